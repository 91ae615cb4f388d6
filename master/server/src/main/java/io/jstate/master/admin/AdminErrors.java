package io.jstate.master.admin;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jstate.master.keys.Keys;
import io.jstate.proto.v1.AdminError;
import io.jstate.common.target.TargetException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every admin API error as an {@link AdminError} body with the status that fits. */
public class AdminErrors {
    private static final Logger LOG = Logger.getLogger(AdminErrors.class.getName());

    /** Something asked for is not there. */
    public static final class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message);
        }
    }

    @ServerExceptionMapper
    public Response notFound(NotFound e) {
        return error(404, e.getMessage());
    }

    @ServerExceptionMapper
    public Response noKey(Keys.NoSuchKeyException e) {
        return error(404, e.getMessage());
    }

    @ServerExceptionMapper
    public Response badRole(Keys.BadRoleException e) {
        return error(400, e.getMessage());
    }

    @ServerExceptionMapper
    public Response badTarget(TargetException e) {
        return error(400, e.getMessage());
    }

    @ServerExceptionMapper
    public Response badBody(InvalidProtocolBufferException e) {
        return error(400, "the body is not a protobuf message of the expected type: " + e.getMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        return error(e.getResponse().getStatus(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response other(RuntimeException e) {
        LOG.log(Level.WARNING, "admin API request failed", e);
        return error(500, String.valueOf(e.getMessage()));
    }

    static Response error(int status, String message) {
        return Response.status(status).type(AdminResource.PROTOBUF)
                .entity(AdminError.newBuilder().setMessage(message == null ? "" : message).build().toByteArray()).build();
    }
}
