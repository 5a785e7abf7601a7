package org.yofacturoyampi.routes.tenant;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.apache.camel.Exchange;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.Settings;
import org.yofacturoyampi.routes.RouteVariables;

/**
 * The tenants of one API (YoFacturo organisations, Yampi tokens), by id. The exchange variable {@code tenant} says
 * which tenant an exchange works for; without it, the first tenant (the single tenant of a simple setup).
 *
 * @param <T> what one tenant holds (its credentials, session cache, rate-limit gate, delivery state...)
 */
public final class Tenants<T> {

    /** The exchange variable naming the tenant. */
    public static final String VARIABLE = RouteVariables.TENANT;
    /** The id of the tenant of a single-tenant setup (the plain variables, e.g. YOFACTURO_API_KEY). */
    public static final String DEFAULT = "default";

    private final Map<String, T> byId;

    private Tenants(Map<String, T> byId) {
        this.byId = byId;
    }

    /**
     * The tenant ids listed in {@code value} (comma-separated), checked: lower-case letters, digits and dashes, no
     * duplicates. Empty: the single tenant {@value #DEFAULT}.
     *
     * @param variable the variable to name in a message, e.g. YOFACTURO_TENANTS
     */
    public static List<String> ids(String value, String variable) {
        List<String> ids = Arrays.stream(value == null ? new String[0] : value.split(",")).map(String::trim)
                .filter(id -> !id.isEmpty()).toList();
        if (ids.isEmpty()) {
            return List.of(DEFAULT);
        }
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            if (!id.matches("[a-z0-9][a-z0-9-]{0,39}")) {
                throw new ConfigurationException(variable + " lists '" + id + "': a tenant id is lower-case letters, "
                        + "digits and dashes, such as acme or acme-es");
            }
            if (!seen.add(id)) {
                throw new ConfigurationException(variable + " lists the tenant '" + id + "' twice: tenant ids must be "
                        + "unique");
            }
        }
        return ids;
    }

    public static <T> Tenants<T> of(List<String> ids, Function<String, T> tenant) {
        Map<String, T> byId = new LinkedHashMap<>();
        ids.forEach(id -> byId.put(id, tenant.apply(id)));
        return new Tenants<>(byId);
    }

    /** The same tenants, each holding what {@code part} takes from it. */
    public <R> Tenants<R> map(Function<T, R> part) {
        Map<String, R> mapped = new LinkedHashMap<>();
        byId.forEach((id, tenant) -> mapped.put(id, part.apply(tenant)));
        return new Tenants<>(mapped);
    }

    public static String idOf(Exchange exchange) {
        return exchange.getVariable(VARIABLE, String.class);
    }

    /** The tenant this exchange works for. */
    public T of(Exchange exchange) {
        return get(idOf(exchange));
    }

    /** The tenant with this id; null or unknown: the first. */
    public T get(String id) {
        T tenant = id == null ? null : byId.get(id);
        return tenant != null ? tenant : byId.values().iterator().next();
    }

    public String firstId() {
        return byId.keySet().iterator().next();
    }

    public Map<String, T> all() {
        return byId;
    }

    /** A name for something of this tenant: {@code base} for the default tenant, {@code base-<id>} otherwise. */
    public static String name(String base, String id) {
        return DEFAULT.equals(id) ? base : base + "-" + id;
    }

    /** The variable of a tenant's setting: YOFACTURO_API_KEY for the default tenant, YOFACTURO_TENANT_ACME_API_KEY. */
    public static String variable(String api, String id, String setting) {
        return environmentVariable(DEFAULT.equals(id) ? api + "." + setting : api + ".tenant." + id + "." + setting);
    }

    /** The environment variable of a property, as Camel maps it: yofacturo.api-key -> YOFACTURO_API_KEY. */
    public static String environmentVariable(String key) {
        return Settings.variable(key);
    }

    /** The property of a tenant's setting: yofacturo.api-key for the default tenant, yofacturo.tenant.acme.api-key. */
    public static String property(String api, String id, String setting) {
        return DEFAULT.equals(id) ? api + "." + setting : api + ".tenant." + id + "." + setting;
    }
}
