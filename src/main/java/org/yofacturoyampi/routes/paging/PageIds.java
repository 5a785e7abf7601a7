package org.yofacturoyampi.routes.paging;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The ids of the records of the page at hand, set by {@link PageReader} as the exchange variable {@value #VARIABLE}
 * (the split's exchanges share it), so that a delivery state kept in a database can look the whole page up in one
 * query when its first record is checked, and answer the page's other records from that ({@link #known}). Lives as
 * long as the page: nothing is kept across pages.
 */
public final class PageIds {

    public static final String VARIABLE = "pageIds";

    private final Set<String> ids;
    private final Map<String, Map<String, String>> known = new HashMap<>(4);
    private RuntimeException failure;

    public PageIds(Collection<String> ids) {
        this.ids = Collections.unmodifiableSet(new LinkedHashSet<>(ids));
    }

    public Set<String> ids() {
        return ids;
    }

    public boolean contains(String id) {
        return ids.contains(id);
    }

    /**
     * What {@code lookup} answers for this page, asked once per {@code scope} (a state and what its record ids start
     * with); a lookup that failed fails again for the rest of the page without being asked again.
     */
    public synchronized Map<String, String> known(String scope, Function<Set<String>, Map<String, String>> lookup) {
        if (failure != null) {
            throw failure;
        }
        Map<String, String> answer = known.get(scope);
        if (answer == null) {
            try {
                answer = new HashMap<>(lookup.apply(ids));
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
            known.put(scope, answer);
        }
        return answer;
    }

    /** A record of the page was marked: later checks on this page see it. */
    public synchronized void marked(String scope, String id, String fingerprint) {
        Map<String, String> answer = known.get(scope);
        if (answer != null) {
            answer.put(id, fingerprint);
        }
    }

    @Override
    public String toString() {
        return "PageIds[" + ids.size() + "]";
    }
}
