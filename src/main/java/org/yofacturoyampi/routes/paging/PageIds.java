package org.yofacturoyampi.routes.paging;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The ids of the records of the page at hand, set by {@link PageReader} as the exchange variable {@value #VARIABLE}
 * (the split's exchanges share it), so that a delivery state kept in a database can look the whole page up in one
 * query when its first record is checked, and answer the page's other records from that ({@link #known}). Lives as
 * long as the page: nothing is kept across pages.
 * <p>
 * A page read inside the walk of another page's record (a batch's invoices, inside the page of batches) knows that
 * page as its {@link #parent}: the state can then ask once, for the whole parent page, which of its records have any
 * child marked ({@link #withChildren}), and skip the lookup of the children of those that have none.
 */
public final class PageIds {

    public static final String VARIABLE = "pageIds";

    private final Set<String> ids;
    private final PageIds parent;
    private final Map<String, Map<String, String>> known = new HashMap<>(4);
    private final Map<String, Set<String>> withChildren = new HashMap<>(2);
    private RuntimeException failure;

    public PageIds(Collection<String> ids) {
        this(ids, null);
    }

    public PageIds(Collection<String> ids, PageIds parent) {
        this.ids = Collections.unmodifiableSet(new LinkedHashSet<>(ids));
        this.parent = parent;
    }

    /** The page whose record this page's walk is under, or null. */
    public PageIds parent() {
        return parent;
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

    /**
     * Which records of this page have children marked in {@code scope}, asked of {@code lookup} once per scope; kept up
     * to date by {@link #childMarked}.
     */
    public synchronized Set<String> withChildren(String scope, Function<Set<String>, Set<String>> lookup) {
        Set<String> answer = withChildren.get(scope);
        if (answer == null) {
            answer = new HashSet<>(lookup.apply(ids));
            withChildren.put(scope, answer);
        }
        return answer;
    }

    /** A child of one of this page's records was marked in {@code scope}. */
    public synchronized void childMarked(String scope, String id) {
        Set<String> answer = withChildren.get(scope);
        if (answer != null) {
            answer.add(id);
        }
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
