package io.jstate.common.text;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UuidsTest {
    @Test
    void aWholeUuidIsWellFormedAndATornOneIsNot() {
        assertTrue(Uuids.wellFormed("9f2e1c4a-55b1-11ef-8a3e-2b7c0d9e4f10"));
        assertTrue(Uuids.wellFormed("00000000-0000-0000-0000-000000000000"));
        assertFalse(Uuids.wellFormed("9f2e1c4a-55b1-11ef-8a"), "cut short");
        assertFalse(Uuids.wellFormed("9f2e1c4a-55b1-11ef-8a3e-2b7c0d9e4f10\0\0"), "followed by NUL bytes");
        assertFalse(Uuids.wellFormed("9f2e1c4a-55b1-11ef-8a3e-2b7c0d9e4f1"), "a group one digit short, which UUID.fromString takes");
        assertFalse(Uuids.wellFormed(""));
        assertFalse(Uuids.wellFormed(null));
    }
}
