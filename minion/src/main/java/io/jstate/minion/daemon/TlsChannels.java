package io.jstate.minion.daemon;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.jstate.common.wire.Limits;
import io.jstate.common.wire.Liveness;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/** Channels over TLS 1.3/1.2 to a master, optionally from a fixed local address ({@code bind_address}). */
final class TlsChannels implements MasterChannels {
    private final String bindAddress;

    TlsChannels(String bindAddress) {
        this.bindAddress = bindAddress;
    }

    @Override
    public ManagedChannel open(String master, MasterTrust trust, Identity identity) {
        SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(trust);
        if (identity != null) ssl.keyManager(identity.privateKey(), identity.certificate());
        SslContext context;
        try {
            context = ssl.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
        NettyChannelBuilder b = NettyChannelBuilder.forTarget(master)
                .sslContext(context)
                .maxInboundMessageSize(Limits.MINION_MAX_INBOUND_BYTES)
                // The daemon reconnects on its own schedule; gRPC's own retries would only blur it.
                .disableRetry()
                .keepAliveTime(Liveness.MINION_PING.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(Liveness.MINION_PING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveWithoutCalls(true);
        if (bindAddress != null) {
            InetSocketAddress local = new InetSocketAddress(bindAddress, 0);
            b.localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
                @Override
                public SocketAddress createSocketAddress(SocketAddress remote, io.grpc.Attributes attrs) {
                    return local;
                }
            });
        }
        return b.build();
    }
}
