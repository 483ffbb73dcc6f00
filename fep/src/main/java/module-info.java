/** The FEP gateway: wire format, sessions, the sequence journal, the gateway, the simulator and the load driver. */
module dev.gannet.fep {
    requires transitive dev.gannet.core;
    requires HdrHistogram;

    exports dev.gannet.fep;
    exports dev.gannet.fep.gateway;
    exports dev.gannet.fep.journal;
    exports dev.gannet.fep.load;
    exports dev.gannet.fep.session;
    exports dev.gannet.fep.sim;
    exports dev.gannet.fep.wire;
}
