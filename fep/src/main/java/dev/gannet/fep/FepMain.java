package dev.gannet.fep;

import dev.gannet.fep.gateway.Gateway;
import dev.gannet.fep.gateway.GatewayConfig;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/** {@code gannet fep gateway|exchange|load ...}: the gateway, the institution simulator and the load driver. */
public final class FepMain {
    private FepMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            usage();
            System.exit(args.length == 0 ? 2 : 0);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "gateway" -> gateway(rest);
            case "exchange" -> dev.gannet.fep.sim.Exchange.main(rest);
            case "load" -> dev.gannet.fep.load.LoadDriver.main(rest);
            default -> {
                System.err.println("gannet fep: unknown command '" + args[0] + "'");
                usage();
                System.exit(2);
            }
        }
    }

    private static void usage() {
        System.err.println("usage: gannet fep gateway --config FILE   the gateway (sample: fep/gateway.properties)");
        System.err.println("       gannet fep exchange [options]      the institution simulator (--help)");
        System.err.println("       gannet fep load [options]          the latency load driver (--help)");
    }

    private static void gateway(String[] args) throws Exception {
        Path config = null;
        for (int i = 0; i < args.length; i++) {
            if ((args[i].equals("--config") || args[i].equals("-c")) && i + 1 < args.length) {
                config = Path.of(args[++i]);
            } else {
                System.err.println("gannet fep gateway: unknown option " + args[i]);
                System.err.println("usage: gannet fep gateway --config FILE");
                System.exit(2);
            }
        }
        if (config == null) {
            System.err.println("usage: gannet fep gateway --config FILE   (sample: fep/gateway.properties)");
            System.exit(2);
        }
        GatewayConfig cfg;
        try {
            cfg = GatewayConfig.load(config);
        } catch (IllegalArgumentException | java.io.IOException e) {
            System.err.println("gannet fep gateway: " + config + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        Gateway gateway = new Gateway(cfg).start();
        System.out.println("fep gateway listening on " + gateway.server().localAddress() + ", " + cfg.members().size()
                + " members, " + cfg.upstreams().size() + " upstreams, journal " + cfg.journalDir() + " (fsync "
                + cfg.fsync().name().toLowerCase(java.util.Locale.ROOT) + ")");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("fep gateway stopping: " + gateway.stats());
            gateway.close();
            stop.countDown();
        }));
        stop.await();
    }
}
