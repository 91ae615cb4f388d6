package io.jstate.minion.daemon;

import io.grpc.ManagedChannel;

/** Opens channels to a master; real TLS in production, in-process transports in tests. */
interface MasterChannels {

    /**
     * A channel to {@code master} ("host:port").
     *
     * @param trust    decides whether the master's certificate chain is trusted
     * @param identity the minion's key and certificate for mutual TLS, or null to enroll (server-authenticated TLS)
     */
    ManagedChannel open(String master, MasterTrust trust, Identity identity);
}
