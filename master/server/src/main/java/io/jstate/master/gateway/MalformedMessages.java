package io.jstate.master.gateway;

import io.grpc.BindableService;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.InputStream;

/**
 * A request that does not parse gets INVALID_ARGUMENT, quietly. grpc-java's own answer is UNKNOWN to
 * the caller and a stack trace in the log from its executor; Enroll is open to anyone, so anyone
 * could fill the master's log. Each method's request marshaller here turns a parse failure into a
 * marker, and the call is closed before the service sees it.
 */
final class MalformedMessages {
    private static final Object MALFORMED = new Object();

    private MalformedMessages() {}

    /** {@code service} with every method's requests parsed this way. */
    static ServerServiceDefinition lenient(BindableService service) {
        ServerServiceDefinition strict = service.bindService();
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(strict.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> m : strict.getMethods()) b.addMethod(lenient(m));
        return b.build();
    }

    private static <Q, R> ServerMethodDefinition<Q, R> lenient(ServerMethodDefinition<Q, R> def) {
        MethodDescriptor<Q, R> method = def.getMethodDescriptor();
        MethodDescriptor.Marshaller<Q> strict = method.getRequestMarshaller();
        MethodDescriptor.Marshaller<Q> lenient = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(Q value) {
                return strict.stream(value);
            }

            @Override
            @SuppressWarnings("unchecked")
            public Q parse(InputStream stream) {
                try {
                    return strict.parse(stream);
                } catch (RuntimeException e) {
                    // Only the listener below ever sees the marker; it never reaches code typed for Q.
                    return (Q) MALFORMED;
                }
            }
        };
        ServerCallHandler<Q, R> handler = (call, headers) -> new Refusing<>(def.getServerCallHandler().startCall(call, headers), call);
        return ServerMethodDefinition.create(method.toBuilder().setRequestMarshaller(lenient).build(), handler);
    }

    /** Passes messages on until a malformed one, which closes the call and ends the service's side as cancelled. */
    private static final class Refusing<Q, R> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final ServerCall<Q, R> call;
        private boolean refused;

        Refusing(ServerCall.Listener<Q> next, ServerCall<Q, R> call) {
            super(next);
            this.call = call;
        }

        @Override
        public void onMessage(Q message) {
            if (refused) return;
            if (message == MALFORMED) {
                refused = true;
                call.close(Status.INVALID_ARGUMENT.withDescription("not a valid " + call.getMethodDescriptor().getBareMethodName()
                        + " request"), new Metadata());
                super.onCancel();
                return;
            }
            super.onMessage(message);
        }

        @Override
        public void onHalfClose() {
            if (!refused) super.onHalfClose();
        }

        @Override
        public void onCancel() {
            if (!refused) super.onCancel();
        }
    }
}
