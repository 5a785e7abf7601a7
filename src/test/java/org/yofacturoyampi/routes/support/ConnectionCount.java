package org.yofacturoyampi.routes.support;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

/** A data source that counts the connections taken from another, for tests of how many a store takes. */
public final class ConnectionCount {

    private ConnectionCount() {
    }

    /** {@code target}, adding one to {@code connections} for each connection taken. */
    public static DataSource counting(DataSource target, AtomicInteger connections) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        connections.incrementAndGet();
                    }
                    return method.invoke(target, args);
                });
    }
}
