package org.yofacturoyampi.routes.yampi;

import static org.yofacturoyampi.routes.RouteVariables.ACCOUNT_ID;
import static org.yofacturoyampi.routes.RouteVariables.PATH;
import static org.yofacturoyampi.routes.RouteVariables.QUERY;
import static org.yofacturoyampi.routes.RouteVariables.RESOURCE;
import static org.yofacturoyampi.routes.RouteVariables.YAMPI_RECORD_NAME;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.http.UrlPathSegment;
import org.yofacturoyampi.routes.paging.PageReader;
import org.yofacturoyampi.routes.paging.PagingRule;
import org.yofacturoyampi.routes.tenant.Tenants;

/**
 * Walks one Yampi resource of one account, as the catalogue describes it. Reads the exchange variables
 * {@code resource} and {@code accountId}; sets {@code path}, {@code query} and the page variables of
 * {@link PageReader}.
 */
public final class YampiPages {

    private static final Logger LOG = LoggerFactory.getLogger(YampiPages.class);
    /** The exchange variable holding the paging rule of the walk under way (one per walk: it may count). */
    static final String PAGING = "yampiPaging";

    private final Function<Exchange, YampiTokenKind> tokenKind;
    private final ObjectMapper json;
    private final Map<String, YampiResource> resources = new LinkedHashMap<>();

    /**
     * @param polled    the resources any tenant polls
     * @param tokenKind the kind of token of the exchange's tenant (which paths it reads)
     */
    public YampiPages(List<YampiResource> polled, Function<Exchange, YampiTokenKind> tokenKind, ObjectMapper json) {
        this.tokenKind = tokenKind;
        this.json = json;
        for (YampiResource r : polled) {
            resources.putIfAbsent(r.name(), r);
            r.pagingRule((page, records, expected, total) -> { }); // a catalogue entry it cannot page stops start-up
        }
    }

    /** Starts the walk at page 1 of the resource's path for this account and token kind. */
    public void start(Exchange exchange) {
        YampiResource r = resource(exchange);
        String account = exchange.getVariable(ACCOUNT_ID, String.class);
        exchange.setVariable(PATH, r.pathFor(tokenKind.apply(exchange), UrlPathSegment.encode(account)));
        exchange.setVariable(PageReader.NEXT_PAGE, 1);
        String tenant = Tenants.idOf(exchange);
        String api = tenant == null || Tenants.DEFAULT.equals(tenant) ? "Yampi" : "Yampi [" + tenant + "]";
        exchange.setVariable(PAGING, r.pagingRule((page, records, expected, total) -> LOG.warn("{} {} of account {}: "
                + "page {} held {} records, fewer than the {} expected, while the total says {}: reading on to the "
                + "total (the server's page size seems to differ: set yampi.catalogue.{}.page-size to it)", api,
                r.name(), account, page, records, expected, total, r.name())));
    }

    /** The query of the page about to be asked: the resource's fixed parameters, and the page if it is paged. */
    public void request(Exchange exchange) {
        YampiResource r = resource(exchange);
        StringBuilder query = new StringBuilder(r.query());
        if (r.isPaged()) {
            query.append(query.length() == 0 ? "" : "&").append("page=").append(exchange.getVariable(PageReader.PAGE));
        }
        exchange.setVariable(QUERY, query.toString());
    }

    public void read(Exchange exchange) throws IOException {
        reader(exchange).process(exchange);
    }

    public void skipUnreadable(Exchange exchange) {
        reader(exchange).skipUnreadable(exchange);
    }

    /** The page reader of the walk under way (light: its rule, made at {@link #start}, keeps the walk's count). */
    private PageReader reader(Exchange exchange) {
        return resource(exchange).pageReader(json, exchange.getVariable(PAGING, PagingRule.class));
    }

    /**
     * Where the default file sink puts a record under its account: {@code account}, or {@code <resource>/<name>}, the
     * name being the record id's safe name (SafeFileName), never the raw id.
     */
    public String recordPath(Exchange exchange) {
        YampiResource r = resource(exchange);
        return r.isAccountItself() ? "account" : r.name() + "/" + exchange.getVariable(YAMPI_RECORD_NAME, String.class);
    }

    private YampiResource resource(Exchange exchange) {
        String name = exchange.getVariable(RESOURCE, String.class);
        YampiResource r = resources.get(name);
        if (r == null) {
            throw new IllegalStateException("resource '" + name + "' is not polled");
        }
        return r;
    }
}
