package org.yofacturoyampi.routes.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.support.RunningApp;

/**
 * Tenant lists that stop start-up, naming what to fix. The app must refuse to start, which Camel's test kit cannot
 * show (its context must start), so these start the app in-process with {@link RunningApp}; the tenants' running
 * behaviour is in {@link TenantsTest}.
 */
class TenantSettingsTest {

    @TempDir
    Path work;

    @Test
    void aTenantListedTwiceStopsStartUpNamingIt() {
        Throwable thrown = catchThrowable(() -> RunningApp.builder(work).property("yofacturo.tenants", "acme,acme")
                .start().close());

        Throwable t = thrown;
        while (t != null && !(t instanceof ConfigurationException)) {
            t = t.getCause();
        }
        assertThat(t).isNotNull();
        assertThat(t.getMessage()).contains("YOFACTURO_TENANTS", "'acme' twice");
    }
}
