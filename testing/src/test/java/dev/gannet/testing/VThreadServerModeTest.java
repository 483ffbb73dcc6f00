package dev.gannet.testing;

import dev.gannet.transport.Server;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The same contract on the virtual-thread engine: the engine attribute is all it takes to switch. */
@GannetTest(engine = "vthread")
class VThreadServerModeTest extends AppContract {

    @Override
    Mode expectedMode() {
        return Mode.SERVER;
    }

    @Test
    void runsOnTheNamedEngine(Server server) {
        assertThat(server.engine()).isEqualTo("vthread");
    }
}
