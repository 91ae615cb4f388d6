package io.jstate.master.admin;

import io.jstate.master.TestMaster;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.Map;

/** Boots Quarkus over a fresh data dir prepared by the same bootstrap as the main class. */
public class AdminProfile implements QuarkusTestProfile {
    static TestMaster master;

    @Override
    public Map<String, String> getConfigOverrides() {
        synchronized (AdminProfile.class) {
            if (master == null) {
                master = new TestMaster("enrollment: {token: tok}\n");
                TestMaster tm = master;
                Runtime.getRuntime().addShutdownHook(new Thread(tm::delete));
            }
        }
        Map<String, String> p = new HashMap<>(master.quarkus);
        p.put("quarkus.http.test-ssl-port", "0");
        return p;
    }
}
