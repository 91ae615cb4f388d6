package io.jstate.common.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetTest {
    private static final Facts CTL1 = new Facts("ctl1",
            Map.of("os", "Debian", "roles", List.of("db", "mq"), "ip4", List.of("10.0.0.11"),
                    "cpu", Map.of("arch", "x86_64"), "virtual", true, "ipv6", "fe80::1"),
            Map.of("galera", Map.of("bootstrap", true, "cluster", "os-db")));
    private static final Facts WEB1 = new Facts("web1", Map.of("os", "Ubuntu", "roles", List.of("web")), Map.of());
    private static final Map<String, String> GROUPS = Map.of(
            "dbs", "G@roles:db",
            "all_ctl", "ctl* or N@dbs",
            "loop_a", "N@loop_b",
            "loop_b", "N@loop_a");

    private static boolean m(String expr, Facts f) {
        return Target.parse(expr).matches(f, GROUPS);
    }

    @Test
    void bareWordIsAGlobOnTheId() {
        assertTrue(m("*", CTL1));
        assertTrue(m("ctl*", CTL1));
        assertTrue(m("ctl?", CTL1));
        assertTrue(m("ctl[0-9]", CTL1));
        assertFalse(m("ctl[!1]", CTL1));
        assertFalse(m("CTL*", CTL1));
        assertFalse(m("ctl", CTL1));
    }

    @Test
    void listMatchesExactIds() {
        assertTrue(m("L@web1,ctl1", CTL1));
        assertFalse(m("L@ctl,ctl2", CTL1));
    }

    @Test
    void grainsMatchNestedListsGlobsAndShorthand() {
        assertTrue(m("G@os:Debian", CTL1));
        assertTrue(m("G@os:debian", CTL1));
        assertTrue(m("os:Deb*", CTL1));
        assertTrue(m("G@roles:mq", CTL1));
        assertFalse(m("G@roles:web", CTL1));
        assertTrue(m("G@cpu:arch:x86_*", CTL1));
        assertTrue(m("G@virtual:true", CTL1));
        assertTrue(m("G@ipv6:fe80::1", CTL1));
        assertTrue(m("G@ip4:10.0.0.*", CTL1));
        assertFalse(m("G@missing:x", CTL1));
        assertTrue(m("P@os:(Debian|Ubuntu)", WEB1));
    }

    @Test
    void pillarAndRegexMatchers() {
        assertTrue(m("I@galera:bootstrap:true", CTL1));
        assertTrue(m("I@galera:cluster:os-*", CTL1));
        assertFalse(m("I@galera:bootstrap:true", WEB1));
        assertTrue(m("E@ctl[0-9]+", CTL1));
        assertTrue(m("E@web(1|2)", WEB1));
        assertFalse(m("E@web", CTL1));
    }

    @Test
    void compoundCombinesWithPrecedenceAndParentheses() {
        assertTrue(m("ctl* and G@os:Debian", CTL1));
        assertFalse(m("ctl* and not G@os:Debian", CTL1));
        assertTrue(m("web* or G@roles:db and G@os:Debian", CTL1));
        // "and" binds tighter than "or": this is web* or (db and Ubuntu).
        assertFalse(m("web* or G@roles:db and G@os:Ubuntu", CTL1));
        assertTrue(m("(web* or G@roles:db) and not G@os:Ubuntu", CTL1));
        assertTrue(m("( web* or L@ctl1 ) and (E@web(1|2) or G@virtual:true)", CTL1));
        assertTrue(m("not not ctl1", CTL1));
        assertFalse(m("not (ctl* or web*)", WEB1));
    }

    @Test
    void nodegroupsExpandToExpressionsAndMayNest() {
        assertTrue(m("N@dbs", CTL1));
        assertFalse(m("N@dbs", WEB1));
        assertTrue(m("N@all_ctl and not web*", CTL1));
        TargetException unknown = assertThrows(TargetException.class, () -> m("N@nope", CTL1));
        assertTrue(unknown.getMessage().contains("unknown nodegroup 'nope'"), unknown.getMessage());
        TargetException loop = assertThrows(TargetException.class, () -> m("N@loop_a", CTL1));
        assertTrue(loop.getMessage().contains("nodegroup cycle: loop_a -> loop_b -> loop_a"), loop.getMessage());
    }

    @Test
    void singleMatcherFormsReadTheWholeText() {
        assertTrue(Target.of("grain", "os:Debian").matches(CTL1, Map.of()));
        assertTrue(Target.of("list", "a, ctl1").matches(CTL1, Map.of()));
        assertTrue(Target.of("glob", "ctl*").matches(CTL1, Map.of()));
        assertTrue(Target.of("pcre", "c.l").matches(CTL1, Map.of()));
        assertTrue(Target.of("pillar", "galera:cluster:os-db").matches(CTL1, Map.of()));
        assertTrue(Target.of("nodegroup", "dbs").matches(CTL1, GROUPS));
        assertThrows(TargetException.class, () -> Target.of("range", "x"));
    }

    @Test
    void parseErrorsNameThePosition() {
        assertError("web* and", 9, "expected a target after 'and'");
        assertError("(web* or ctl*", 14, "missing ')' for the '(' at position 1");
        assertError("web* ctl*", 6, "expected 'and' or 'or' before 'ctl*'");
        assertError("web*)", 5, "unexpected ')' without a matching '('");
        assertError("and web*", 1, "expected a target before 'and'");
        assertError("G@os", 3, "expected key:value");
        assertError("X@foo", 1, "unknown matcher 'X@'");
        assertError("ctl* or E@([a-z", 11, "bad regular expression");
        assertError("   ", -1, "empty expression");
    }

    private static void assertError(String expr, int position, String message) {
        TargetException e = assertThrows(TargetException.class, () -> Target.parse(expr));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(position, e.position() < 0 ? -1 : e.position() + 1, e.getMessage());
        if (position > 0) assertTrue(e.getMessage().contains("at position " + position), e.getMessage());
    }

    @Test
    void rolesMatchWhatTheMasterAssignsNotTheRolesGrain() {
        Facts db1 = new Facts("db1", Map.of("roles", List.of("controller")), Map.of(), List.of("db", "backup"));
        assertTrue(m("R@db", db1));
        assertTrue(m("R@back*", db1));
        assertTrue(m("R@db and not R@controller", db1));
        assertFalse(m("R@controller", db1), "the minion's own roles grain is not a master role");
        assertFalse(m("R@db", CTL1), "a minion without master roles has none");
        assertTrue(Target.of("role", "backup").matches(db1, GROUPS));
    }

    @Test
    void masterDecidedTermsPassTheCheck() {
        Map<String, String> groups = Map.of("ctls", "ctl* or L@db1,db2", "dbs", "R@db and N@ctls");
        for (String ok : List.of("*", "ctl*", "L@a,b", "E@ctl[0-9]+", "R@db", "N@dbs", "not R@db and (web* or N@ctls)")) {
            Target.parse(ok).requireMasterDecided(groups);
        }
        Target.of("list", "a,b").requireMasterDecided(groups);
        Target.of("role", "db").requireMasterDecided(groups);
    }

    @Test
    void minionReportedAndPillarTermsAreRefusedWithTheAlternative() {
        TargetException g = assertThrows(TargetException.class, () -> Target.parse("web* or G@roles:dbserver").requireMasterDecided(Map.of()));
        assertEquals("target 'web* or G@roles:dbserver' at position 11: 'G@roles:dbserver' matches what the minion says about itself"
                + " (its grains); assign the role on the master (roles: in master.yaml or jstate keys accept ID --role dbserver)"
                + " and write 'R@dbserver'", g.getMessage());
        for (String bad : List.of("roles:db", "P@os:Deb.*", "I@galera:bootstrap:true", "J@a:b.*", "not G@os:Debian")) {
            assertThrows(TargetException.class, () -> Target.parse(bad).requireMasterDecided(Map.of()), bad);
        }
        TargetException i = assertThrows(TargetException.class, () -> Target.parse("I@node:galera:data").requireMasterDecided(Map.of()));
        assertTrue(i.getMessage().contains("matches pillar, which is what a pillar top file decides"), i.getMessage());
        TargetException n = assertThrows(TargetException.class, () -> Target.parse("N@all_ctl").requireMasterDecided(GROUPS));
        assertEquals("target 'N@all_ctl': nodegroup 'all_ctl' -> 'dbs' uses 'G@roles:db', which matches what the minion says"
                + " about itself (its grains); assign the role on the master (roles: in master.yaml or jstate keys accept ID"
                + " --role db) and write 'R@db'", n.getMessage());
        assertThrows(TargetException.class, () -> Target.of("grain", "roles:db").requireMasterDecided(Map.of()));
        assertThrows(TargetException.class, () -> Target.of("pillar_pcre", "a:b").requireMasterDecided(Map.of()));
    }
}
