package org.yofacturoyampi.routes.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

import org.apache.camel.spi.PropertiesComponent;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.Settings;

/**
 * The settings of cluster mode ({@code cluster.*} in config/application.properties). Cluster mode is on when
 * {@code CLUSTER_DATABASE_URL} is set. The password and the secret key come from the environment and are never
 * printed: {@link #toString()} leaves them out.
 */
public final class ClusterSettings {

    public static final String URL_VARIABLE = "CLUSTER_DATABASE_URL";

    private final String databaseUrl;
    private final String user;
    private final String password;
    private final String secretKey;
    private final String nodeId;
    private final int poolSize;
    private final Duration checkinInterval;

    private ClusterSettings(String databaseUrl, String user, String password, String secretKey, String nodeId,
            int poolSize, Duration checkinInterval) {
        this.databaseUrl = databaseUrl;
        this.user = user;
        this.password = password;
        this.secretKey = secretKey;
        this.nodeId = nodeId;
        this.poolSize = poolSize;
        this.checkinInterval = checkinInterval;
    }

    public static ClusterSettings from(PropertiesComponent properties) {
        Settings settings = Settings.of(properties);
        String url = settings.text("cluster.database-url");
        if (url.isEmpty()) {
            // cluster mode off: nothing else is read, checked or looked up (not even the host name)
            return new ClusterSettings("", "", "", "", "", 0, Duration.ZERO);
        }
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new ConfigurationException(URL_VARIABLE + " must be a PostgreSQL JDBC URL such as "
                    + "jdbc:postgresql://db.example.com:5432/yofacturo, not '" + withoutParameters(url) + "'");
        }
        String nodeId = settings.text("cluster.node-id");
        if (nodeId.isEmpty()) {
            nodeId = defaultNodeId();
        } else if (!nodeId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw new ConfigurationException("CLUSTER_NODE_ID must be letters, digits, '.', '_' or '-' (at most 100), "
                    + "not '" + nodeId + "'");
        }
        return new ClusterSettings(url, settings.text("cluster.database-user"),
                settings.text("cluster.database-password"), settings.text("cluster.secret-key"), nodeId,
                settings.wholeInt("cluster.pool-size", 2, Integer.MAX_VALUE, "a number of at least 2"),
                settings.duration("cluster.checkin-interval", Duration.ofNanos(1),
                        "a positive ISO-8601 duration such as PT7.5S"));
    }

    /** Host name and process id: distinct for two processes on one machine, readable in logs and metrics. */
    static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + ProcessHandle.current().pid();
    }

    public boolean enabled() {
        return !databaseUrl.isEmpty();
    }

    public String databaseUrl() {
        return databaseUrl;
    }

    /** The URL without its parameters (which may hold a password), for messages. */
    public String databaseUrlForMessages() {
        return withoutParameters(databaseUrl);
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** {@code CLUSTER_SECRET_KEY}: the key that encrypts what the cluster shares in the database (session tokens). */
    public String secretKey() {
        return secretKey;
    }

    /** {@code CLUSTER_NODE_ID}: this process in logs, metrics and Quartz's instance id. */
    public String nodeId() {
        return nodeId;
    }

    public int poolSize() {
        return poolSize;
    }

    /** How often a node tells the cluster it is alive; a node silent for longer has its schedules taken over. */
    public Duration checkinInterval() {
        return checkinInterval;
    }

    @Override
    public String toString() {
        return "cluster " + databaseUrlForMessages() + " as node " + nodeId;
    }

    private static String withoutParameters(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }
}
