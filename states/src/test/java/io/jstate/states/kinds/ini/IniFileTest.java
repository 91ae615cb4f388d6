package io.jstate.states.kinds.ini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class IniFileTest {

    @Test
    void readsValuesLikeConfigparser() {
        IniFile ini = IniFile.parse("""
                top = 1
                [pipeline:main]
                pipeline = catch_errors gatekeeper healthcheck
                    proxy-logging cache
                [app:proxy-server]
                use = egg:swift#proxy
                # account_autocreate = false
                ; set log_name = proxy
                skip-name-resolve
                path: /var/lib
                """);
        assertEquals(List.of("1"), ini.values("", "top"));
        assertEquals(List.of("catch_errors gatekeeper healthcheck\nproxy-logging cache"), ini.values("pipeline:main", "pipeline"));
        assertEquals(List.of("egg:swift#proxy"), ini.values("app:proxy-server", "use"));
        assertEquals(List.of(), ini.values("app:proxy-server", "account_autocreate"));
        assertEquals(Arrays.asList((String) null), ini.values("app:proxy-server", "skip-name-resolve"));
        assertEquals(List.of("/var/lib"), ini.values("app:proxy-server", "path"));
        assertTrue(ini.hasSection("pipeline:main"));
        assertTrue(ini.hasSection(""));
    }

    @Test
    void updatingAValueKeepsTheLinesOwnSpacingAndLineEndings() {
        IniFile ini = IniFile.parse("[a]\r\n  key=old\r\n  other   =   x\r\n");
        ini.set("a", "key", List.of("new"), " = ");
        ini.set("a", "other", List.of("y"), " = ");
        assertEquals("[a]\r\n  key=new\r\n  other   =   y\r\n", ini.render());
    }

    @Test
    void newKeyFollowsACommentedOutSampleLineOtherwiseTheLastKey() {
        IniFile ini = IniFile.parse("""
                [database]
                #
                # The SQLAlchemy connection string (string value)
                #connection = <None>

                # Verbosity of SQL debugging (integer value)
                #connection_debug = 0
                max_pool_size = 5

                [cache]
                """);
        ini.set("database", "connection", List.of("mysql+pymysql://nova@vip/nova"), " = ");
        ini.set("database", "max_retries", List.of("-1"), " = ");
        assertEquals("""
                [database]
                #
                # The SQLAlchemy connection string (string value)
                #connection = <None>
                connection = mysql+pymysql://nova@vip/nova

                # Verbosity of SQL debugging (integer value)
                #connection_debug = 0
                max_pool_size = 5
                max_retries = -1

                [cache]
                """, ini.render());
    }

    @Test
    void missingSectionGoesAtTheEndAfterABlankLineAndAFileWithoutFinalNewlineGetsOne() {
        IniFile ini = IniFile.parse("[a]\nx = 1");
        ini.set("b", "y", List.of("2"), "=");
        assertEquals("[a]\nx = 1\n\n[b]\ny=2\n", ini.render());
        IniFile empty = IniFile.parse("");
        empty.set("DEFAULT", "debug", List.of("true"), " = ");
        assertEquals("[DEFAULT]\ndebug = true\n", empty.render());
    }

    @Test
    void keysBeforeAnyHeaderAreSectionEmpty() {
        IniFile ini = IniFile.parse("# header comment\n\n[s]\nk = v\n");
        ini.set("", "top", List.of("1"), " = ");
        assertEquals("# header comment\ntop = 1\n\n[s]\nk = v\n", ini.render());
        ini.set("", "top2", List.of("2"), " = ");
        assertEquals("# header comment\ntop = 1\ntop2 = 2\n\n[s]\nk = v\n", ini.render());
    }

    @Test
    void repeatedKeysAreCollapsedToTheWantedValues() {
        IniFile ini = IniFile.parse("[s]\nk = a\nother = 1\nk = b\nk = c\n");
        ini.set("s", "k", List.of("z"), " = ");
        assertEquals("[s]\nk = z\nother = 1\n", ini.render());
        ini.set("s", "k", List.of("x", "y"), " = ");
        assertEquals("[s]\nk = x\nk = y\nother = 1\n", ini.render());
    }

    @Test
    void multiLineValuesRoundTripAndBareKeysAreWritten() {
        IniFile ini = IniFile.parse("[mysqld]\nport = 3306\n");
        ini.set("mysqld", "skip-name-resolve", Arrays.asList((String) null), " = ");
        ini.set("mysqld", "list", List.of(IniFile.normalize("a\n  b\n\nc")), " = ");
        assertEquals("[mysqld]\nport = 3306\nskip-name-resolve\nlist = a\n    b\n    c\n", ini.render());
        IniFile again = IniFile.parse(ini.render());
        assertEquals(List.of("a\nb\nc"), again.values("mysqld", "list"));
        assertEquals(Arrays.asList((String) null), again.values("mysqld", "skip-name-resolve"));
    }

    @Test
    void removesKeysWithContinuationsAndWholeSections() {
        IniFile ini = IniFile.parse("""
                [pipeline:main]
                pipeline = a b
                    c d
                keep = 1

                [filter:s3token]
                use = egg:swift3#s3token
                # comment inside

                [filter:cache]
                use = egg:swift#memcache
                """);
        assertEquals(List.of("a b\nc d"), ini.remove("pipeline:main", "pipeline"));
        assertEquals(2 - 1, ini.removeSection("filter:s3token"));
        assertEquals(-1, ini.removeSection("filter:nothing"));
        assertEquals("""
                [pipeline:main]
                keep = 1

                [filter:cache]
                use = egg:swift#memcache
                """, ini.render());
    }
}
