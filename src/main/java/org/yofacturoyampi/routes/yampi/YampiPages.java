package org.yofacturoyampi.routes.yampi;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.yofacturoyampi.routes.http.UrlPathSegment;
import org.yofacturoyampi.routes.paging.PageReader;

/**
 * Walks one Yampi resource of one account, as the catalogue describes it. Reads the exchange variables
 * {@code resource} and {@code accountId}; sets {@code path}, {@code query} and the page variables of
 * {@link PageReader}.
 */
public final class YampiPages {

    private final Function<Exchange, YampiTokenKind> tokenKind;
    private final Map<String, YampiResource> resources = new LinkedHashMap<>();
    private final Map<String, PageReader> readers = new LinkedHashMap<>();

    /**
     * @param polled    the resources any tenant polls
     * @param tokenKind the kind of token of the exchange's tenant (which paths it reads)
     */
    public YampiPages(List<YampiResource> polled, Function<Exchange, YampiTokenKind> tokenKind, ObjectMapper json) {
        this.tokenKind = tokenKind;
        for (YampiResource r : polled) {
            resources.putIfAbsent(r.name(), r);
            readers.putIfAbsent(r.name(), r.pageReader(json));
        }
    }

    /** Starts the walk at page 1 of the resource's path for this account and token kind. */
    public void start(Exchange exchange) {
        YampiResource r = resource(exchange);
        exchange.setVariable("path", r.pathFor(tokenKind.apply(exchange),
                UrlPathSegment.encode(exchange.getVariable("accountId", String.class))));
        exchange.setVariable(PageReader.NEXT_PAGE, 1);
    }

    /** The query of the page about to be asked: the resource's fixed parameters, and the page if it is paged. */
    public void request(Exchange exchange) {
        YampiResource r = resource(exchange);
        StringBuilder query = new StringBuilder(r.query());
        if (r.isPaged()) {
            query.append(query.length() == 0 ? "" : "&").append("page=").append(exchange.getVariable(PageReader.PAGE));
        }
        exchange.setVariable("query", query.toString());
    }

    public void read(Exchange exchange) throws IOException {
        readers.get(resource(exchange).name()).process(exchange);
    }

    public void skipUnreadable(Exchange exchange) {
        readers.get(resource(exchange).name()).skipUnreadable(exchange);
    }

    /**
     * Where the default file sink puts a record under its account: {@code account}, or {@code <resource>/<name>}, the
     * name being the record id's safe name (SafeFileName), never the raw id.
     */
    public String recordPath(Exchange exchange) {
        YampiResource r = resource(exchange);
        return r.isAccountItself() ? "account" : r.name() + "/" + exchange.getVariable("yampiRecordName", String.class);
    }

    private YampiResource resource(Exchange exchange) {
        String name = exchange.getVariable("resource", String.class);
        YampiResource r = resources.get(name);
        if (r == null) {
            throw new IllegalStateException("resource '" + name + "' is not polled");
        }
        return r;
    }
}
