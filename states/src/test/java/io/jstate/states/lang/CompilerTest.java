package io.jstate.states.lang;

import io.jstate.common.yaml.Yaml12;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Plan;
import io.jstate.states.engine.PlanException;
import io.jstate.states.engine.Requisite;
import io.jstate.states.engine.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompilerTest {
    @TempDir
    Path dir;

    private Path states() {
        return dir.resolve("states");
    }

    private Path pillar() {
        return dir.resolve("pillar");
    }

    private void write(String path, String text) throws IOException {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private Compiled compile(String... targets) {
        return compile(Map.of("os", "Debian"), "ctl1", targets);
    }

    private Compiled compile(Map<String, Object> grains, String id, String... targets) {
        Path pillarRoot = Files.isDirectory(pillar()) ? pillar() : null;
        return new Compiler(TestKinds.registry()).compile(
                new CompileRequest(states(), pillarRoot, grains, id, List.of(), List.of(targets), Map.of("dbs", "ctl*")));
    }

    private PlanException fails(String... targets) {
        return assertThrows(PlanException.class, () -> compile(targets));
    }

    private static String ids(Plan plan) {
        return plan.steps().stream().map(Step::id).collect(Collectors.joining(" "));
    }

    private static Step step(Plan plan, String id) {
        return plan.steps().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    private static void contains(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
    }

    // ---- order ----

    @Test
    void statesRunInDefinitionOrder() throws IOException {
        write("states/app.sls", """
                zeta:
                  test.nop: []
                alpha:
                  test.nop:
                mid:
                  test.nop:
                    - mode: '0600'
                """);
        Plan plan = compile("app").plan();
        assertEquals("zeta alpha mid", ids(plan));
        Step zeta = plan.steps().get(0);
        assertEquals("test.nop", zeta.kind());
        assertEquals(new TestKinds.Nop("zeta", null, null, null, null), zeta.spec());
        assertEquals("app.sls", zeta.at().file());
        assertEquals("app", zeta.at().sls());
        assertEquals(1, zeta.at().line());
        assertEquals(5, plan.steps().get(2).at().line());
    }

    @Test
    void includedStatesComeFirstInIncludeOrderAndEachFileLoadsOnce() throws IOException {
        // app includes db and web; both include common, and common includes app back.
        write("states/app.sls", """
                include:
                  - db
                  - web
                app-config:
                  test.config: []
                """);
        write("states/db/init.sls", """
                include: [common]
                db-pkg:
                  test.nop: []
                """);
        write("states/web.sls", """
                include:
                  - common
                  - .db
                web-pkg:
                  test.nop: []
                """);
        write("states/common.sls", """
                include: [app]
                base:
                  test.nop: []
                """);
        assertEquals("base db-pkg web-pkg app-config", ids(compile("app").plan()));
    }

    @Test
    void requisitesMoveAStateAfterItsTargetAndNoFurther() throws IOException {
        write("states/app.sls", """
                a:
                  test.nop:
                    - require:
                      - test: c
                b:
                  test.nop: []
                c:
                  test.nop: []
                d:
                  test.nop: []
                """);
        Plan plan = compile("app").plan();
        assertEquals("b c a d", ids(plan));
        assertEquals(List.of(new Step.Edge(Requisite.REQUIRE, 1)), step(plan, "a").requisites());
    }

    @Test
    void inFormsAndSlsAndNameRequisitesBecomeEdgesOnTheRightStep() throws IOException {
        write("states/db.sls", """
                db-pkg:
                  test.nop: []
                db-conf:
                  test.config:
                    - name: /etc/mysql/my.cnf
                """);
        write("states/app.sls", """
                include: [db]
                mariadb:
                  svc.running:
                    - watch:
                      - test: /etc/mysql/my.cnf
                    - require:
                      - sls: db
                galera-conf:
                  test.config:
                    - watch_in:
                      - svc: mariadb
                    - onchanges_in: [mariadb]
                check:
                  test.nop:
                    - onfail:
                      - svc: mariadb
                """);
        Plan plan = compile("app").plan();
        assertEquals("db-pkg db-conf galera-conf mariadb check", ids(plan));
        assertEquals(List.of(
                new Step.Edge(Requisite.WATCH, 1),
                new Step.Edge(Requisite.REQUIRE, 0),
                new Step.Edge(Requisite.REQUIRE, 1),
                new Step.Edge(Requisite.WATCH, 2),
                new Step.Edge(Requisite.ONCHANGES, 2)), step(plan, "mariadb").requisites());
        assertEquals(List.of(new Step.Edge(Requisite.ONFAIL, 3)), step(plan, "check").requisites());
    }

    @Test
    void orderFirstNumbersAndLastAdjustDefinitionOrder() throws IOException {
        write("states/app.sls", """
                plain1:
                  test.nop: []
                closing:
                  test.nop:
                    - order: last
                two:
                  test.nop:
                    - order: 2
                opening:
                  test.nop:
                    - order: first
                one:
                  test.nop:
                    - order: 1
                plain2:
                  test.nop: []
                """);
        assertEquals("opening one two plain1 plain2 closing", ids(compile("app").plan()));
    }

    @Test
    void engineOptionsAreTakenOutOfTheArguments() throws IOException {
        write("states/app.sls", """
                a:
                  test.nop:
                    - failhard: true
                    - retry: {attempts: 5, interval: 2, until: true}
                    - timeout: 1.5
                b:
                  test.nop:
                    - retry: true
                """);
        Plan plan = compile("app").plan();
        Step.Options a = step(plan, "a").options();
        assertTrue(a.failhard());
        assertEquals(new Step.Retry(5, Duration.ofSeconds(2)), a.retry());
        assertEquals(Duration.ofMillis(1500), a.timeout());
        assertEquals(new Step.Retry(2, Duration.ofSeconds(30)), step(plan, "b").options().retry());
        assertEquals(false, step(plan, "b").options().failhard());
    }

    @Test
    void severalKindsUnderOneIdAndSaltsShortForm() throws IOException {
        write("states/app.sls", """
                mariadb:
                  test.config:
                    - name: /etc/mysql/my.cnf
                  svc:
                    - running
                    - enable: true
                    - require: [mariadb]
                """);
        Plan plan = compile("app").plan();
        assertEquals("test.config svc.running", plan.steps().stream().map(Step::kind).collect(Collectors.joining(" ")));
        assertEquals(new TestKinds.Svc("mariadb", true), plan.steps().get(1).spec());
        // A bare id names every state with it except the one declaring the requisite.
        assertEquals(List.of(new Step.Edge(Requisite.REQUIRE, 0)), plan.steps().get(1).requisites());
    }

    // ---- YAML and Mustache ----

    @Test
    void scalarsAreTypedLikeYaml12SoModesAndIniSwitchesSurvive() throws IOException {
        write("states/app.sls", """
                conf:
                  test.nop:
                    - mode: 0644
                    - port: 3306
                    - settings:
                        wsrep_on: ON
                        skip: yes
                        off_value: off
                        mode: 0644
                        port: 3306
                        ratio: 1.5
                        enabled: true
                        quoted: "true"
                        nothing: ~
                        version: 1.2.3
                """);
        TestKinds.Nop spec = (TestKinds.Nop) compile("app").plan().steps().get(0).spec();
        assertEquals("0644", spec.mode());
        assertEquals(3306, spec.port());
        Map<String, Object> s = spec.settings();
        assertEquals("ON", s.get("wsrep_on"));
        assertEquals("yes", s.get("skip"));
        assertEquals("off", s.get("off_value"));
        assertEquals("0644", s.get("mode"));
        assertEquals(3306, s.get("port"));
        assertEquals(1.5, s.get("ratio"));
        assertEquals(true, s.get("enabled"));
        assertEquals("true", s.get("quoted"));
        assertTrue(s.containsKey("nothing"));
        assertNull(s.get("nothing"));
        assertEquals("1.2.3", s.get("version"));
    }

    @Test
    void slsFilesAreRenderedWithGrainsMinionPeersAndPartials() throws IOException {
        write("states/common/items.mustache", "{{#grains.roles}}\n      - {{.}}\n{{/grains.roles}}\n");
        write("states/app.sls", """
                {{minion.id}}-conf:
                  test.nop:
                    - mode: "{{grains.os}} & <co>"
                    - items:
                {{> common/items.mustache}}
                """);
        Compiled c = compile(Map.of("os", "Debian", "roles", List.of("db", "web")), "ctl2", "app");
        Step s = c.plan().steps().get(0);
        assertEquals("ctl2-conf", s.id());
        assertEquals(new TestKinds.Nop("ctl2-conf", "Debian & <co>", null, null, List.of("db", "web")), s.spec());
    }

    @Test
    void fileTemplatesRenderStrictlyThroughTemplates() throws IOException {
        write("states/app.sls", "a:\n  test.nop: []\n");
        write("states/galera/60-galera.cnf.mustache", """
                [galera]
                wsrep_on = ON
                {{#peers}}peer = {{id}}
                {{/peers}}
                flag = {{pillar.flag}}
                empty = {{pillar.empty}}
                wsrep_cluster_name = {{pillar.galera.cluster_name}}
                """);
        write("pillar/top.sls", "base:\n  '*':\n    - common\n");
        write("pillar/common.sls", "flag: false\nempty: ''\ngalera: {}\n");
        Compiled c = compile("app");
        assertTrue(c.templates().exists("jstate://galera/60-galera.cnf.mustache"));
        PlanException e = assertThrows(PlanException.class,
                () -> c.templates().render("jstate://galera/60-galera.cnf.mustache", Map.of("peers", List.of(Map.of("id", "ctl2")))));
        assertEquals("galera/60-galera.cnf.mustache:7: missing variable 'pillar.galera.cluster_name'", e.getMessage());
        String out = c.templates().render("galera/60-galera.cnf.mustache",
                Map.of("peers", List.of(Map.of("id", "ctl2"), Map.of("id", "ctl3")), "pillar",
                        Map.of("flag", false, "empty", "", "galera", Map.of("cluster_name", "os&db"))));
        assertEquals("[galera]\nwsrep_on = ON\npeer = ctl2\npeer = ctl3\nflag = false\nempty = \nwsrep_cluster_name = os&db\n", out);
        assertThrows(PlanException.class, () -> c.templates().raw("../outside"));
    }

    // ---- errors ----

    @Test
    void malformedYamlNamesFileAndLine() throws IOException {
        write("states/app.sls", """
                a:
                  test.nop:
                    - mode: [unclosed
                b:
                  test.nop: []
                """);
        PlanException e = fails("app");
        assertEquals("app.sls", e.at().file());
        contains(e.getMessage(), "app.sls:", "malformed YAML");
    }

    @Test
    void missingVariableInAnSlsNamesTemplateLineAndVariable() throws IOException {
        write("states/galera/init.sls", """
                galera-conf:
                  test.config:
                    - name: /etc/mysql/conf.d/60-galera.cnf
                    - mode: {{pillar.galera.mode}}
                """);
        PlanException e = fails("galera");
        assertEquals("galera/init.sls:4: missing variable 'pillar.galera.mode'", e.getMessage());
    }

    @Test
    void missingVariableInASectionIsAnError() throws IOException {
        write("states/app.sls", "{{#grains.nope}}\nx:\n  test.nop: []\n{{/grains.nope}}\n");
        contains(fails("app").getMessage(), "app.sls:1: missing variable 'grains.nope'");
        write("states/app.sls", "{{^grains.nope}}\nx:\n  test.nop: []\n{{/grains.nope}}\n");
        contains(fails("app").getMessage(), "app.sls:1: missing variable 'grains.nope'");
    }

    @Test
    void linesAfterALineChangingSectionStillMapToTheSource() throws IOException {
        write("states/app.sls", """
                {{#grains.roles}}
                {{.}}:
                  test.nop: []
                {{/grains.roles}}
                broken:
                  test.nope: []
                """);
        PlanException e = assertThrows(PlanException.class,
                () -> compile(Map.of("roles", List.of("a", "b", "c")), "ctl1", "app"));
        assertEquals("app.sls:6: state 'broken': unknown state kind 'test.nope' (did you mean test.nop?)", e.getMessage());
    }

    @Test
    void errorsInsideALineChangingSectionSayTheLineIsOfTheRenderedText() throws IOException {
        write("states/app.sls", """
                first:
                  test.nop: []
                {{#grains.roles}}
                {{.}}:
                  test.nope: []
                {{/grains.roles}}
                """);
        PlanException e = assertThrows(PlanException.class,
                () -> compile(Map.of("roles", List.of("a", "b", "c")), "ctl1", "app"));
        assertEquals("app.sls:4: state 'a': unknown state kind 'test.nope' (did you mean test.nop?)"
                + " (line 4 of the rendered text: the template changes the line count above it)", e.getMessage());
    }

    @Test
    void unknownKindSuggestsTheNearestKinds() throws IOException {
        write("states/app.sls", "a:\n  test.nop: []\nb:\n  test.nope:\n    - mode: x\n");
        PlanException e = fails("app");
        assertEquals("app.sls:4: state 'b': unknown state kind 'test.nope' (did you mean test.nop?)", e.getMessage());
        assertEquals("b", e.id());
    }

    @Test
    void unknownOrBadArgumentPointsAtItsLine() throws IOException {
        write("states/app.sls", """
                a:
                  test.nop:
                    - name: x
                    - mdoe: '0644'
                """);
        PlanException e = fails("app");
        contains(e.getMessage(), "app.sls:4: state 'a': test.nop: unknown argument 'mdoe' (did you mean mode?)");
        write("states/app.sls", """
                a:
                  test.nop:
                    - name: x
                    - port: many
                """);
        contains(fails("app").getMessage(), "app.sls:4: state 'a': test.nop: argument 'port'");
        write("states/app.sls", """
                a:
                  test.nop:
                    - port: -1
                """);
        contains(fails("app").getMessage(), "app.sls:2: state 'a': test.nop: port must be positive");
    }

    @Test
    void requisiteOnAnUnknownIdNamesFileLineIdAndSuggests() throws IOException {
        write("states/app.sls", """
                galera-cnf:
                  test.config: []
                mariadb:
                  svc.running:
                    - require:
                      - test: galera-conf
                """);
        PlanException e = fails("app");
        assertEquals("app.sls:6: state 'mariadb': require {test: galera-conf}: no test state has the id or name 'galera-conf'"
                + " (did you mean galera-cnf?)", e.getMessage());
        write("states/app.sls", "a:\n  test.nop:\n    - require: [nothing]\n");
        contains(fails("app").getMessage(), "app.sls:3: state 'a': require nothing: no state has the id 'nothing'");
        write("states/app.sls", "a:\n  test.nop:\n    - watch_in:\n      - tset: a\n");
        contains(fails("app").getMessage(), "app.sls:4: state 'a': watch_in {tset: a}: 'tset' is not a state family (did you mean test?)");
        write("states/app.sls", "a:\n  test.nop:\n    - require:\n      - sls: other\n");
        contains(fails("app").getMessage(), "app.sls:4: state 'a': require {sls: other}: SLS 'other' is not part of this run");
    }

    @Test
    void aCycleIsPrintedWholeWithEachStatesPlace() throws IOException {
        write("states/galera/init.sls", """
                before:
                  test.nop: []
                galera-cnf:
                  test.config:
                    - require:
                      - svc: mariadb
                mariadb:
                  svc.running:
                    - watch:
                      - test: galera-cnf
                """);
        PlanException e = fails("galera");
        contains(e.getMessage(), "requisite cycle: test galera-cnf (galera/init.sls:3) -> svc mariadb (galera/init.sls:7) -> test galera-cnf");
        assertEquals("galera-cnf", e.id());
    }

    @Test
    void compileTimeIsLinearInStatesAndRequisites() throws IOException {
        // 3000 states, each requiring the ten before it by family and id (the last by its name):
        // before requisites were looked up by index, this took 50 to 80 s; now a few seconds at most.
        int n = 3000;
        StringBuilder sls = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sls.append("s").append(i).append(":\n  test.config:\n    - name: /etc/s").append(i).append(".conf\n");
            if (i > 0) sls.append("    - require:\n");
            for (int j = Math.max(0, i - 10); j < i; j++) {
                sls.append("      - test: ").append(j == i - 1 ? "/etc/s" + j + ".conf" : "s" + j).append('\n');
            }
        }
        write("states/big.sls", sls.toString());
        Plan plan = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> compile("big").plan());
        assertEquals(n, plan.steps().size());
        assertEquals("s0 s1 s2", plan.steps().subList(0, 3).stream().map(Step::id).collect(Collectors.joining(" ")));
        assertEquals("s" + (n - 1), plan.steps().get(n - 1).id());
        assertEquals(10, plan.steps().get(n - 1).requisites().size());
        assertEquals(new Step.Edge(Requisite.REQUIRE, n - 2), plan.steps().get(n - 1).requisites().get(9));
    }

    @Test
    void theSameIdAndKindInTwoFilesNamesBothPlaces() throws IOException {
        write("states/a.sls", "include: [b]\n\nx:\n  test.nop: []\n");
        write("states/b.sls", "x:\n  test.nop: []\n");
        contains(fails("a").getMessage(), "a.sls:4: state 'x': test.nop is declared twice: here and at b.sls:2");
    }

    @Test
    void missingSlsIsNamedWhereItIsIncluded() throws IOException {
        write("states/galera/init.sls", "a:\n  test.nop: []\n");
        write("states/app.sls", "include:\n  - galerra\n");
        contains(fails("app").getMessage(), "app.sls:2: SLS 'galerra' not found", "did you mean galera?");
    }

    // ---- top files and pillar ----

    @Test
    void highstateAppliesWhatTopMatchesByIdGlobGrainAndCompound() throws IOException {
        write("states/top.sls", """
                base:
                  '*':
                    - common
                  'ctl*':
                    - galera
                  'web*':
                    - web
                  'os:Debian':
                    - match: grain
                    - debian
                  'G@os:RedHat or L@nothing':
                    - redhat
                  'N@dbs and not E@ctl9':
                    - galera
                    - nodegroup
                """);
        for (String sls : List.of("common", "galera", "web", "debian", "redhat", "nodegroup")) {
            write("states/" + sls + ".sls", sls + "-state:\n  test.nop: []\n");
        }
        assertEquals("common-state galera-state debian-state nodegroup-state", ids(compile("highstate").plan()));
        assertEquals("common-state web-state redhat-state",
                ids(compile(Map.of("os", "RedHat"), "web1", "highstate").plan()));
    }

    @Test
    void highstateWithNoMatchIsAnError() throws IOException {
        write("states/top.sls", "base:\n  'web*':\n    - web\n");
        contains(fails("highstate").getMessage(), "top.sls", "matches minion 'ctl1'");
    }

    @Test
    void pillarIsChosenByItsTopDeepMergedAndItsSecretsReachThePlan() throws IOException {
        write("pillar/top.sls", """
                base:
                  '*':
                    - defaults
                  'os:Debian':
                    - match: grain
                    - galera
                """);
        write("pillar/defaults.sls", """
                galera:
                  cluster_name: default
                  sst: rsync
                  nodes: [a]
                """);
        write("pillar/galera/init.sls", """
                include:
                  - .passwords
                galera:
                  cluster_name: {{grains.os}}-{{minion.id}}
                  nodes: [b, c]
                """);
        write("pillar/galera/passwords.sls", """
                galera:
                  root_password: !secret s3cr3t
                  mode: 0644
                """);
        write("states/app.sls", """
                galera:
                  test.nop:
                    - mode: {{pillar.galera.cluster_name}}/{{pillar.galera.sst}}/{{pillar.galera.mode}}
                    - items:
                    {{#pillar.galera.nodes}}
                      - {{.}}
                    {{/pillar.galera.nodes}}
                """);
        Compiled c = compile("app");
        assertEquals(Map.of("galera", Map.of("cluster_name", "Debian-ctl1", "sst", "rsync", "nodes", List.of("b", "c"),
                "root_password", "s3cr3t", "mode", "0644")), c.pillar());
        assertEquals(List.of("s3cr3t"), c.plan().secrets().values());
        assertEquals(new TestKinds.Nop("galera", "Debian-ctl1/rsync/0644", null, null, List.of("b", "c")), c.plan().steps().get(0).spec());
    }

    @Test
    void masterPillarIsChosenByIdAndMasterRolesNeverByGrains() throws IOException {
        write("pillar/top.sls", """
                base:
                  '*':
                    - common
                  'R@dbserver':
                    - dbsecret
                """);
        write("pillar/common.sls", "me: '{{minion.id}} {{#minion.roles}}{{.}} {{/minion.roles}}'\n");
        write("pillar/dbsecret.sls", "db:\n  password: !secret hunter2\n");
        PillarData claimed = Compiler.pillar(pillar(), "web1", List.of(), Map.of());
        assertEquals(Map.of("me", "web1 "), claimed.data());
        assertEquals(List.of(), claimed.secrets());
        PillarData assigned = Compiler.pillar(pillar(), "db1", List.of("dbserver"), Map.of());
        assertEquals(Map.of("me", "db1 dbserver ", "db", Map.of("password", "hunter2")), assigned.data());
        assertEquals(List.of("hunter2"), assigned.secrets());
    }

    @Test
    void masterPillarTopRefusesWhatTheMinionReportsWithFileAndLine() throws IOException {
        write("pillar/dbsecret.sls", "db:\n  password: !secret hunter2\n");
        write("pillar/top.sls", """
                base:
                  'web*':
                    - dbsecret
                  'G@roles:dbserver':
                    - dbsecret
                """);
        PlanException g = assertThrows(PlanException.class, () -> Compiler.pillar(pillar(), "web1", List.of(), Map.of()));
        assertEquals("top.sls:4: pillar target 'G@roles:dbserver' at position 3: 'G@roles:dbserver' matches what the minion says about"
                + " itself (its grains); assign the role on the master (roles: in master.yaml or jstate keys accept ID --role"
                + " dbserver) and write 'R@dbserver'", g.getMessage());
        write("pillar/top.sls", "base:\n  'roles:dbserver':\n    - match: grain\n    - dbsecret\n");
        contains(assertThrows(PlanException.class, () -> Compiler.pillar(pillar(), "db1", List.of(), Map.of())).getMessage(),
                "top.sls:2:", "its grains");
        write("pillar/top.sls", "base:\n  'N@dbs':\n    - dbsecret\n");
        contains(assertThrows(PlanException.class, () -> Compiler.pillar(pillar(), "db1", List.of(), Map.of("dbs", "db* and P@os:Deb.*")))
                .getMessage(), "top.sls:2:", "nodegroup 'dbs' uses 'P@os:Deb.*'");
        write("pillar/top.sls", "base:\n  'I@db:password:*':\n    - dbsecret\n");
        contains(assertThrows(PlanException.class, () -> Compiler.pillar(pillar(), "db1", List.of(), Map.of())).getMessage(),
                "top.sls:2:", "matches pillar");
    }

    @Test
    void masterPillarIsRenderedWithoutGrains() throws IOException {
        write("pillar/top.sls", "base:\n  '*':\n    - common\n");
        write("pillar/common.sls", "a: 1\nos: {{grains.os}}\n");
        PlanException e = assertThrows(PlanException.class, () -> Compiler.pillar(pillar(), "web1", List.of(), Map.of()));
        contains(e.getMessage(), "common.sls:2", "missing variable 'grains.os'", "without grains", "minion.roles");
    }

    @Test
    void masterlessPillarTopMayTargetGrainsTheOperatorWrites() throws IOException {
        write("pillar/top.sls", "base:\n  'G@roles:dbserver':\n    - dbsecret\n");
        write("pillar/dbsecret.sls", "db:\n  password: !secret hunter2\n");
        write("states/app.sls", "a:\n  test.nop: []\n");
        assertEquals(Map.of("db", Map.of("password", "hunter2")), compile(Map.of("roles", List.of("dbserver")), "db1", "app").pillar());
    }

    @Test
    void secretTagIsRefusedOutsidePillar() throws IOException {
        write("states/app.sls", "a:\n  test.nop:\n    - mode: !secret x\n");
        contains(fails("app").getMessage(), "app.sls:3", "only allowed in pillar");
    }

    @Test
    void compileErrorsNeverQuoteASecret() throws IOException {
        write("pillar/top.sls", "base:\n  '*':\n    - db\n");
        write("pillar/db.sls", "db:\n  password: !secret hunter2-very-secret\n");
        write("states/app.sls", "db:\n  test.nop:\n    - port: {{pillar.db.password}}\n");
        PlanException e = fails("app");
        contains(e.getMessage(), "app.sls:3", "state 'db'", "port", "<redacted>");
        assertTrue(!e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void aStateIdHoldingASecretIsRefusedWithoutQuotingIt() throws IOException {
        write("pillar/top.sls", "base:\n  '*':\n    - db\n");
        write("pillar/db.sls", "db:\n  password: !secret Hunter2Pass\n");
        write("states/app.sls", "ok:\n  test.nop: []\nidsec-{{pillar.db.password}}:\n  test.nop: []\n");
        PlanException e = fails("app");
        contains(e.getMessage(), "app.sls:3", "state 'idsec-<redacted>'", "must not hold a !secret value");
        assertTrue(!e.getMessage().contains("Hunter2Pass"), e.getMessage());
    }

    @Test
    void aMissingVariableInAStatesTemplateIsRefusedBeforeAnythingRuns() throws IOException {
        write("states/app.sls", "ok:\n  test.nop: []\nconf:\n  test.template:\n    - source: app/app.conf.mustache\n    - context: {port: 80}\n");
        write("states/app/app.conf.mustache", "port = {{port}}\nname = {{pillar.app.name}}\n");
        PlanException e = fails("app");
        contains(e.getMessage(), "app.sls:4", "state 'conf'", "app/app.conf.mustache:2", "missing variable 'pillar.app.name'");
    }

    @Test
    void compiledListsTheTreeFilesThePlanUses() throws IOException {
        write("states/top.sls", "base:\n  '*':\n    - app\n");
        write("states/app/init.sls", "include:\n  - common\nconf:\n  test.template:\n    - source: jstate://app/app.conf.mustache\n");
        write("states/common.sls", "c:\n  test.nop: []\n");
        write("states/app/app.conf.mustache", "{{> app/header}}\nport = 1\n");
        write("states/app/header.mustache", "# header\n");
        write("states/unused.sls", "u:\n  test.nop: []\n");
        Compiled c = compile("highstate");
        assertEquals(java.util.Set.of("top.sls", "app/init.sls", "common.sls", "app/app.conf.mustache", "app/header.mustache"), c.files());
    }

    @Test
    void pillarMayBeGivenAsDataWithItsSecrets() throws IOException {
        write("states/app.sls", "db:\n  test.nop:\n    - mode: {{pillar.db.password}}\n");
        PillarData given = new PillarData(Map.of("db", Map.of("password", "pw-from-master")), List.of("pw-from-master"));
        Compiled c = new Compiler(TestKinds.registry()).compile(new CompileRequest(states(), null, Map.of(), "ctl1", List.of(),
                List.of("app"), Map.of(), given));
        assertEquals("pw-from-master", ((TestKinds.Nop) c.plan().steps().get(0).spec()).mode());
        assertEquals(List.of("pw-from-master"), c.plan().secrets().values());
    }
}
