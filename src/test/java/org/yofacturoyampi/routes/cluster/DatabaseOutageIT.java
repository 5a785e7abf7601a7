package org.yofacturoyampi.routes.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.TcpProxy;
import org.yofacturoyampi.routes.support.TestDatabase;

/** The cluster's database goes away while a node runs (a proxy between them is cut), then comes back. */
@Tag("database")
class DatabaseOutageIT extends DatabaseLossScenario {

    @Override
    protected Outage outage() {
        return new ProxyCut(TestDatabase.create());
    }

    @Test
    void metricsCarryTheNodeId() throws Exception {
        try (Outage outage = outage(); RunningApp app = node(outage).start()) {
            app.syncOverHttp("{\"feed\": \"yampi-contacts\"}");

            assertThat(app.get("/observe/metrics").body())
                    .containsPattern("yyr_records_delivered_total\\{[^}]*node=\"node-under-test\"");
        }
    }

    /** A schema of the shared server, reached through a {@link TcpProxy} that is cut and restored. */
    private static final class ProxyCut implements Outage {

        private final TestDatabase db;
        private final TcpProxy proxy;

        ProxyCut(TestDatabase db) {
            this.db = db;
            this.proxy = TcpProxy.to(db.server().getHost(), db.server().getPort());
        }

        @Override
        public String url() {
            return db.urlThrough(proxy.port());
        }

        @Override
        public String user() {
            return db.user();
        }

        @Override
        public void begin() {
            proxy.cut();
        }

        @Override
        public void end() {
            proxy.restore();
        }

        @Override
        public long marks() throws Exception {
            return db.count("SELECT count(*) FROM delivery_state");
        }

        @Override
        public void close() throws Exception {
            try (db) {
                proxy.close();
            }
        }
    }
}
