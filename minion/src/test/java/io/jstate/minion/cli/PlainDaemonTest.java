package io.jstate.minion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jstate.minion.daemon.MinionConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PlainDaemonTest {

    @Test
    void theDaemonsUsualCommandLinesNameTheirConfig() {
        assertEquals(MinionConfig.DEFAULT_FILE, RunCommand.plainDaemon(new String[0]));
        assertEquals(MinionConfig.DEFAULT_FILE, RunCommand.plainDaemon(new String[] {"run"}));
        assertEquals(Path.of("/etc/m.yaml"), RunCommand.plainDaemon(new String[] {"run", "--config", "/etc/m.yaml"}));
        assertEquals(Path.of("m.yaml"), RunCommand.plainDaemon(new String[] {"run", "--config=m.yaml"}));
    }

    @Test
    void everythingElseGoesThroughTheFullCommandLine() {
        for (String[] args : new String[][] {{"run", "--help"}, {"run", "-h"}, {"--help"}, {"apply", "--local"}, {"run", "--config"},
                {"run", "--config", "-h"}, {"run", "--config="}, {"run", "--config", "a", "b"}, {"run", "--conf", "a"}, {"run", "x"}}) {
            assertNull(RunCommand.plainDaemon(args), String.join(" ", args));
        }
    }
}
