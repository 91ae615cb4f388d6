package io.jstate.states.kinds.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.ReadOnlyHost;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.SpecException;
import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import io.jstate.states.host.HostException;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RabbitmqPolicyPresentTest {

    private static RabbitmqPolicyPresent.Spec spec(Map<String, Object> args) {
        return SpecBinder.bind(RabbitmqPolicyPresent.Spec.class, "ha-all", args);
    }

    /** As YAML gives it: keys in another order than the broker prints them, ha-params an Integer. */
    private static Map<String, Object> haAll() {
        Map<String, Object> def = new LinkedHashMap<>();
        def.put("ha-sync-mode", "automatic");
        def.put("ha-params", 2);
        def.put("ha-mode", "exactly");
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("pattern", "^(?!amq\\.).*");
        a.put("definition", def);
        a.put("vhost", "openstack");
        return a;
    }

    private static FakeHost realListing() {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl", "-q", "export_definitions"), e -> ExecResult.ok(FakeBroker.fixture("export_definitions.json")));
        h.on(List.of("rabbitmqctl", "-q", "set_policy"), e -> ExecResult.ok(""));
        return h;
    }

    @Test
    void realListingMatchesTheSameDefinitionInAnyKeyOrder() throws Exception {
        FakeHost h = realListing();
        Drift d = new RabbitmqPolicyPresent(FakeBroker.env(h)).check(spec(haAll()));
        assertTrue(d.inSync(), d.toString());
        assertEquals(List.of("rabbitmqctl -q export_definitions -- -"), h.commandLines());
    }

    @Test
    void integerStaysIntegerAndAStringTwoIsDrift() throws Exception {
        FakeHost h = realListing();
        Map<String, Object> a = haAll();
        @SuppressWarnings("unchecked")
        Map<String, Object> def = new LinkedHashMap<>((Map<String, Object>) a.get("definition"));
        def.put("ha-params", "2");
        a.put("definition", def);
        Drift d = new RabbitmqPolicyPresent(FakeBroker.env(h)).check(spec(a));
        assertEquals(List.of(Change.of("definition",
                "{\"ha-mode\":\"exactly\",\"ha-params\":2,\"ha-sync-mode\":\"automatic\"}",
                "{\"ha-mode\":\"exactly\",\"ha-params\":\"2\",\"ha-sync-mode\":\"automatic\"}")), d.changes());
    }

    @Test
    void numbersCompareByValueWhateverTheirJavaTypeButADecimalTwoIsDrift() throws Exception {
        for (Object same : List.of(2, 2L, BigInteger.TWO)) {
            Map<String, Object> a = haAll();
            @SuppressWarnings("unchecked")
            Map<String, Object> def = new LinkedHashMap<>((Map<String, Object>) a.get("definition"));
            def.put("ha-params", same);
            a.put("definition", def);
            assertTrue(new RabbitmqPolicyPresent(FakeBroker.env(realListing())).check(spec(a)).inSync(), same.getClass().getName());
        }
        Map<String, Object> a = haAll();
        @SuppressWarnings("unchecked")
        Map<String, Object> def = new LinkedHashMap<>((Map<String, Object>) a.get("definition"));
        def.put("ha-params", 2.0);
        a.put("definition", def);
        Drift d = new RabbitmqPolicyPresent(FakeBroker.env(realListing())).check(spec(a));
        assertEquals(List.of("definition"), d.changes().stream().map(Change::attribute).toList());
    }

    @Test
    void changedFieldsAreEachDriftAndApplySendsTheWholePolicy() throws Exception {
        FakeHost h = realListing();
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("pattern", "^x");
        a.put("definition", Map.of("max-length", 10));
        a.put("priority", 2);
        a.put("apply_to", "queues");
        a.put("vhost", "openstack");
        RabbitmqPolicyPresent.Spec spec = SpecBinder.bind(RabbitmqPolicyPresent.Spec.class, "p2", a);
        RabbitmqPolicyPresent s = new RabbitmqPolicyPresent(FakeBroker.env(h));
        Drift d = s.check(spec);
        assertEquals(List.of(Change.of("pattern", "^-x", "^x"), Change.of("priority", "1", "2")), d.changes());
        h.clear();
        s.apply(spec, d);
        assertEquals(List.of(List.of("rabbitmqctl", "-q", "set_policy", "-p", "openstack", "--priority", "2",
                "--apply-to", "queues", "--", "p2", "^x", "{\"max-length\":10}")), h.commands().stream().map(Exec::argv).toList());
    }

    @Test
    void missingPolicyIsCreatedWithDefaults() throws Exception {
        FakeBroker b = new FakeBroker();
        RabbitmqPolicyPresent s = new RabbitmqPolicyPresent(b.env());
        RabbitmqPolicyPresent.Spec spec = spec(Map.of("pattern", ".*", "definition", Map.of("ha-mode", "all")));
        Drift d = s.check(spec);
        assertEquals(List.of(Change.of("policy", null,
                "pattern=.* definition={\"ha-mode\":\"all\"} priority=0 apply_to=all vhost=/")), d.changes());
        b.host.clear();
        s.apply(spec, d);
        assertEquals(List.of("rabbitmqctl -q set_policy -p / --priority 0 --apply-to all -- ha-all .* {\"ha-mode\":\"all\"}"),
                b.host.commandLines());
        b.host.clear();
        assertTrue(s.check(spec).inSync());
        assertTrue(b.host.mutations().isEmpty());
    }

    @Test
    void definitionChangeConvergesWithIntegersKept() throws Exception {
        FakeBroker b = new FakeBroker();
        b.vhosts.add("openstack");
        RabbitmqPolicyPresent s = new RabbitmqPolicyPresent(b.env());
        s.apply(spec(haAll()), s.check(spec(haAll())));
        Map<String, Object> a = haAll();
        a.put("definition", Map.of("ha-mode", "exactly", "ha-params", 3, "ha-sync-mode", "automatic"));
        Drift d = s.check(spec(a));
        assertEquals(List.of("definition"), d.changes().stream().map(Change::attribute).toList());
        s.apply(spec(a), d);
        assertEquals("{\"ha-mode\":\"exactly\",\"ha-params\":3,\"ha-sync-mode\":\"automatic\"}",
                b.policies.get("openstack").get("ha-all").get("definition"));
        assertTrue(s.check(spec(a)).inSync());
    }

    @Test
    void vhostNotYetCreatedIsDriftNotAnError() throws Exception {
        FakeBroker b = new FakeBroker();
        Drift d = new RabbitmqPolicyPresent(b.env()).check(spec(haAll()));
        assertEquals(List.of("policy"), d.changes().stream().map(Change::attribute).toList());
    }

    @Test
    void exportFailuresAreErrors() {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl"), e -> ExecResult.fail(69, FakeBroker.fixture("unreachable.txt")));
        assertThrows(HostException.class, () -> new RabbitmqPolicyPresent(FakeBroker.env(h)).check(spec(haAll())));
    }

    @Test
    void checkUnderReadOnlyHostMutatesNothing() throws Exception {
        FakeBroker b = new FakeBroker();
        b.vhosts.add("openstack");
        Drift d = new RabbitmqPolicyPresent(b.env().withHost(new ReadOnlyHost(b.host))).check(spec(haAll()));
        assertEquals(1, d.changes().size());
        assertTrue(b.host.mutations().isEmpty());
        assertTrue(b.policies.isEmpty());
    }

    @Test
    void patternAndDefinitionAreRequired() {
        assertThrows(SpecException.class, () -> spec(Map.of("definition", Map.of("ha-mode", "all"))));
        assertThrows(SpecException.class, () -> spec(Map.of("pattern", ".*")));
    }
}
