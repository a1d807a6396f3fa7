package kechuang.osnode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * Starts one OpenSearch node bound to loopback, for tests.
 *
 * <p>Usage: {@code OsNode <home-dir> [http-port]}. Prints {@code OS READY <port>} once the node is
 * started and closes it on SIGTERM/SIGINT.
 */
public final class OsNode {

    private OsNode() {}

    /**
     * The k-NN plugin (approximate nearest neighbours, Lucene HNSW engine), unpacked by the build
     * from its plugin zip onto the classpath; loaded by name since it is not a compile dependency.
     */
    private static Class<? extends Plugin> knnPlugin() throws ClassNotFoundException {
        return Class.forName("org.opensearch.knn.plugin.KNNPlugin").asSubclass(Plugin.class);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: OsNode <home-dir> [http-port]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int httpPort = args.length > 1 ? Integer.parseInt(args[1]) : 9200;
        Files.createDirectories(home.resolve("data"));
        Files.createDirectories(home.resolve("logs"));

        Settings settings = Settings.builder()
                .put("cluster.name", "os-test")
                .put("node.name", "os-test")
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("path.logs", home.resolve("logs").toString())
                .put("network.host", "127.0.0.1")
                .put("http.port", httpPort)
                // 0 = any free port, so two nodes on different HTTP ports never clash.
                .put("transport.port", 0)
                .put("discovery.type", "single-node")
                .put("http.type", "netty4")
                .put("transport.type", "netty4")
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("indices.breaker.total.use_real_memory", false)
                .put("node.processors", Math.min(2, Runtime.getRuntime().availableProcessors()))
                // Tests create and drop many indices; do not let deletes by wildcard surprise anyone.
                .put("action.destructive_requires_name", false)
                .build();

        Environment env = InternalSettingsPreparer.prepareEnvironment(
                settings, Collections.emptyMap(), null, () -> "os-test");
        List<Class<? extends Plugin>> plugins = new ArrayList<>(List.of(Netty4Plugin.class, CommonAnalysisPlugin.class));
        plugins.add(knnPlugin());
        // The constructor that takes plugin classes is protected, hence the anonymous subclass.
        Node node = new Node(env, plugins, true) {};

        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                System.err.println("error closing node: " + e);
            } finally {
                closed.countDown();
            }
        }, "os-node-shutdown"));

        node.start();
        System.out.println("OS READY " + httpPort);
        System.out.flush();
        closed.await();
    }
}
