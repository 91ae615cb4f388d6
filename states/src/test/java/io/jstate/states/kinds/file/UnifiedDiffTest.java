package io.jstate.states.kinds.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UnifiedDiffTest {

    @Test
    void matchesGnuDiffForSeparateHunksAndMissingFinalNewline() {
        String a = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n";
        String b = "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn";
        // The expected text is what `diff -u` prints for these two files.
        assertEquals("""
                --- before
                +++ after
                @@ -1,7 +1,7 @@
                 a
                 b
                 c
                -d
                +D
                 e
                 f
                 g
                @@ -11,3 +11,4 @@
                 k
                 l
                 m
                +n
                \\ No newline at end of file
                """, UnifiedDiff.of(a, b));
    }

    @Test
    void newAndEmptiedFilesUseZeroRanges() {
        assertEquals("--- before\n+++ after\n@@ -0,0 +1,2 @@\n+x\n+y\n", UnifiedDiff.of("", "x\ny\n"));
        assertEquals("--- before\n+++ after\n@@ -1,2 +0,0 @@\n-x\n-y\n", UnifiedDiff.of("x\ny\n", ""));
        assertEquals("", UnifiedDiff.of("same\n", "same\n"));
    }

    @Test
    void binaryContentIsNotDiffed() {
        byte[] bin = {0x7f, 'E', 'L', 'F', 0, 1};
        assertEquals("binary content differs", UnifiedDiff.of(bin, "text\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("binary content differs", UnifiedDiff.of(new byte[] {(byte) 0xff, (byte) 0xfe}, new byte[] {'a'}));
    }

    @Test
    void hugeRewritesAreSummarised() {
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            a.append("old ").append(i).append('\n');
            b.append("new ").append(i).append('\n');
        }
        String d = UnifiedDiff.of(a.toString(), b.toString());
        assertTrue(d.contains("diff not shown: 5000 lines before, 5000 lines after"), d);
    }

    @Test
    void longDiffsAreCappedInSize() {
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 1500; i++) {
            a.append("line ").append(i).append(" ".repeat(80)).append('\n');
            b.append(i % 2 == 0 ? "changed " : "line ").append(i).append(" ".repeat(80)).append('\n');
        }
        String d = UnifiedDiff.of(a.toString(), b.toString());
        assertTrue(d.length() < UnifiedDiff.MAX_CHARS + 100, "length " + d.length());
        assertTrue(d.endsWith("diff truncated at 64 KiB\n"));
    }

    @Test
    void randomEditsProduceADiffThatPatchesBeforeIntoAfter() {
        Random rnd = new Random(42);
        for (int round = 0; round < 300; round++) {
            List<String> a = new ArrayList<>();
            int n = rnd.nextInt(40);
            for (int i = 0; i < n; i++) a.add("l" + rnd.nextInt(8) + "\n");
            List<String> b = new ArrayList<>(a);
            int edits = rnd.nextInt(6);
            for (int e = 0; e < edits; e++) {
                int op = rnd.nextInt(3);
                if (op == 0 || b.isEmpty()) b.add(rnd.nextInt(b.size() + 1), "n" + rnd.nextInt(8) + "\n");
                else if (op == 1) b.remove(rnd.nextInt(b.size()));
                else b.set(rnd.nextInt(b.size()), "m" + rnd.nextInt(8) + "\n");
            }
            String before = String.join("", a);
            String after = String.join("", b);
            String diff = UnifiedDiff.of(before, after);
            assertEquals(after, patch(before, diff), "round " + round + "\n" + diff);
        }
    }

    /** Applies a unified diff as patch(1) would, checking every context and removed line. */
    private static String patch(String before, String diff) {
        if (diff.isEmpty()) return before;
        List<String> src = UnifiedDiff.lines(before);
        List<String> out = new ArrayList<>();
        String[] d = diff.split("\n", -1);
        int pos = 0;
        for (int i = 2; i < d.length; i++) {
            String h = d[i];
            if (!h.startsWith("@@")) continue;
            String[] minus = h.split(" ")[1].substring(1).split(",");
            int start = Integer.parseInt(minus[0]);
            int count = minus.length > 1 ? Integer.parseInt(minus[1]) : 1;
            int from = count == 0 ? start : start - 1;
            while (pos < from) out.add(src.get(pos++));
            for (i = i + 1; i < d.length && !d[i].startsWith("@@") && !d[i].isEmpty(); i++) {
                char k = d[i].charAt(0);
                String line = d[i].substring(1) + "\n";
                if (k == ' ' || k == '-') assertEquals(src.get(pos++), line);
                if (k == ' ' || k == '+') out.add(line);
            }
            i--;
        }
        while (pos < src.size()) out.add(src.get(pos++));
        return String.join("", out);
    }
}
