package io.jstate.master.gateway;

import io.grpc.Decompressor;
import io.grpc.Status;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * The gateway's "gzip": grpc's own, except that a message that is not gzip is the sender's error,
 * INVALID_ARGUMENT with what is wrong, rather than an UNKNOWN from the exception of the inflater.
 */
public final class StrictGzip implements Decompressor {
    @Override
    public String getMessageEncoding() {
        return "gzip";
    }

    @Override
    public InputStream decompress(InputStream in) {
        try {
            return new FilterInputStream(new GZIPInputStream(in)) {
                @Override
                public int read() throws IOException {
                    try {
                        return super.read();
                    } catch (IOException e) {
                        throw invalid(e);
                    }
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    try {
                        return super.read(b, off, len);
                    } catch (IOException e) {
                        throw invalid(e);
                    }
                }
            };
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    private static RuntimeException invalid(IOException e) {
        return Status.INVALID_ARGUMENT.withDescription("the message is marked gzip but is not: " + e.getMessage()).asRuntimeException();
    }
}
