package io.jstate.master.gateway;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.jstate.master.keys.Keys;
import io.jstate.common.wire.Fingerprints;
import io.jstate.proto.v1.MinionGatewayGrpc;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Who is calling. Enroll is the only call let through without a certificate; every other call
 * needs a certificate (already chained to the master's CA by TLS) whose CN is a minion id and whose
 * key is that minion's currently accepted key. The identity goes into the call's context.
 */
public final class PeerAuth implements ServerInterceptor {
    static final Context.Key<String> MINION_ID = Context.key("jstate-minion-id");
    static final Context.Key<String> REMOTE = Context.key("jstate-remote-address");
    static final Context.Key<String> FINGERPRINT = Context.key("jstate-key-fingerprint");

    /** Where a call's client certificate comes from: the TLS session in production. */
    @FunctionalInterface
    public interface PeerCertificate {
        Optional<X509Certificate> of(ServerCall<?, ?> call, Metadata headers);

        PeerCertificate TLS = (call, headers) -> {
            SSLSession ssl = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
            if (ssl == null) return Optional.empty();
            try {
                Certificate[] chain = ssl.getPeerCertificates();
                return chain.length > 0 && chain[0] instanceof X509Certificate x ? Optional.of(x) : Optional.empty();
            } catch (SSLPeerUnverifiedException e) {
                return Optional.empty();
            }
        };
    }

    private final Keys keys;
    private final PeerCertificate peer;

    public PeerAuth(Keys keys, PeerCertificate peer) {
        this.keys = keys;
        this.peer = peer;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Context ctx = Context.current().withValue(REMOTE, address(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
        if (call.getMethodDescriptor().getFullMethodName().equals(MinionGatewayGrpc.getEnrollMethod().getFullMethodName())) {
            return Contexts.interceptCall(ctx, call, headers, next);
        }
        Optional<X509Certificate> cert = peer.of(call, headers);
        if (cert.isEmpty()) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription("a client certificate is required; enroll first"));
        }
        String id = commonName(cert.get());
        String fingerprint = Fingerprints.sha256(cert.get().getPublicKey().getEncoded());
        if (id == null || !keys.isAccepted(id, fingerprint)) {
            return refuse(call, Status.PERMISSION_DENIED.withDescription("the key of '" + id + "' is not accepted"));
        }
        return Contexts.interceptCall(ctx.withValue(MINION_ID, id).withValue(FINGERPRINT, fingerprint), call, headers, next);
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {};
    }

    static String commonName(X509Certificate cert) {
        RDN[] cns = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
        return cns.length == 1 ? IETFUtils.valueToString(cns[0].getFirst().getValue()) : null;
    }

    static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress i) return i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString();
        return a == null ? "" : a.toString();
    }
}
