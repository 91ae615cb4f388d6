package io.jstate.states.kinds.file;

import com.github.difflib.DiffUtils;
import com.github.difflib.algorithm.DiffAlgorithmListener;
import com.github.difflib.patch.AbstractDelta;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts, as {@code diff -u} prints it, for content changes of every
 * file-writing state. java-diff-utils computes the edit script (Myers' algorithm) on the lines
 * left after trimming the common head and tail, which keeps the usual config edit (a few lines in
 * a long file) cheap; very large or very different inputs get a one-line summary instead, because
 * a diff nobody can read is no help. This class only writes the script in {@code diff -u}'s exact
 * format: the library's own writer prints an empty range as {@code -1,0} where {@code diff -u}
 * prints {@code -0,0}, and has no marker for a missing final newline.
 */
public final class UnifiedDiff {
    static final int CONTEXT = 3;
    static final int MAX_LINES = 50_000;
    static final int MAX_EDITS = 2_000;
    static final int MAX_CHARS = 64 * 1024;

    private UnifiedDiff() {}

    /**
     * The diff between two file contents, or a short note when either side is not text
     * (binary content has no readable diff). Empty when they are equal.
     */
    public static String of(byte[] before, byte[] after) {
        if (java.util.Arrays.equals(before, after)) return "";
        String a = text(before);
        String b = text(after);
        if (a == null || b == null) return "binary content differs";
        return of(a, b);
    }

    /** The diff between two texts; empty when they are equal. */
    public static String of(String before, String after) {
        if (before.equals(after)) return "";
        List<String> a = lines(before);
        List<String> b = lines(after);
        int head = 0;
        while (head < a.size() && head < b.size() && a.get(head).equals(b.get(head))) head++;
        int tail = 0;
        while (tail < a.size() - head && tail < b.size() - head
                && a.get(a.size() - 1 - tail).equals(b.get(b.size() - 1 - tail))) tail++;
        List<String> midA = a.subList(head, a.size() - tail);
        List<String> midB = b.subList(head, b.size() - tail);
        if (midA.size() + midB.size() > MAX_LINES) return tooLarge(a, b);
        List<AbstractDelta<String>> deltas;
        try {
            deltas = DiffUtils.diff(midA, midB, EDIT_LIMIT).getDeltas();
        } catch (TooManyEdits e) {
            return tooLarge(a, b);
        }
        return render(deltas, head, a);
    }

    /**
     * Stops the search once the edit distance passes {@link #MAX_EDITS}: the library reports each
     * distance it reaches, and its cost grows with that distance times the length of the texts.
     */
    private static final DiffAlgorithmListener EDIT_LIMIT = new DiffAlgorithmListener() {
        @Override
        public void diffStart() {}

        @Override
        public void diffStep(int distance, int max) {
            if (distance > MAX_EDITS) throw new TooManyEdits();
        }

        @Override
        public void diffEnd() {}
    };

    private static final class TooManyEdits extends RuntimeException {
        TooManyEdits() {
            super(null, null, false, false);
        }
    }

    /** The text of a file's bytes, or null when they are not UTF-8 text. */
    static String text(byte[] bytes) {
        for (byte x : bytes) {
            if (x == 0) return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Lines with their line ending kept, so a missing final newline is a difference like any other. */
    static List<String> lines(String s) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                out.add(s.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < s.length()) out.add(s.substring(start));
        return out;
    }

    /**
     * Writes the deltas (positions relative to the trimmed middle, so shifted by {@code head}) as
     * hunks with {@link #CONTEXT} lines of context; a hunk runs on while the next change is close
     * enough that their contexts touch.
     */
    private static String render(List<AbstractDelta<String>> deltas, int head, List<String> a) {
        StringBuilder sb = new StringBuilder("--- before\n+++ after\n");
        int i = 0;
        while (i < deltas.size()) {
            int j = i;
            while (j + 1 < deltas.size() && from(deltas.get(j + 1)) - end(deltas.get(j)) <= 2 * CONTEXT) j++;
            hunk(sb, deltas.subList(i, j + 1), head, a);
            if (sb.length() > MAX_CHARS) {
                sb.setLength(MAX_CHARS);
                sb.append("\n... diff truncated at ").append(MAX_CHARS / 1024).append(" KiB\n");
                return sb.toString();
            }
            i = j + 1;
        }
        return sb.toString();
    }

    private static int from(AbstractDelta<String> d) {
        return d.getSource().getPosition();
    }

    private static int end(AbstractDelta<String> d) {
        return d.getSource().getPosition() + d.getSource().size();
    }

    private static void hunk(StringBuilder sb, List<AbstractDelta<String>> deltas, int head, List<String> a) {
        AbstractDelta<String> first = deltas.get(0);
        AbstractDelta<String> last = deltas.get(deltas.size() - 1);
        // Line numbers in the whole texts; b's lines stand shifted from a's by what the hunk's earlier deltas added or dropped.
        int aStart = Math.max(0, head + from(first) - CONTEXT);
        int bStart = head + first.getTarget().getPosition() - (head + from(first) - aStart);
        int aEnd = Math.min(a.size(), head + end(last) + CONTEXT);
        int bEnd = head + last.getTarget().getPosition() + last.getTarget().size() + (aEnd - head - end(last));
        sb.append("@@ -").append(range(aStart, aEnd - aStart)).append(" +").append(range(bStart, bEnd - bStart)).append(" @@\n");
        int at = aStart;
        for (AbstractDelta<String> d : deltas) {
            for (; at < head + from(d); at++) line(sb, ' ', a.get(at));
            for (String l : d.getSource().getLines()) line(sb, '-', l);
            for (String l : d.getTarget().getLines()) line(sb, '+', l);
            at = head + end(d);
        }
        for (; at < aEnd; at++) line(sb, ' ', a.get(at));
    }

    private static void line(StringBuilder sb, char kind, String line) {
        sb.append(kind).append(line);
        if (!line.endsWith("\n")) sb.append("\n\\ No newline at end of file\n");
    }

    /** A range as the format writes it: an empty range names the line before it, so it starts one lower. */
    private static String range(int start, int count) {
        if (count == 0) return start + ",0";
        return count == 1 ? String.valueOf(start + 1) : (start + 1) + "," + count;
    }

    private static String tooLarge(List<String> a, List<String> b) {
        return "--- before\n+++ after\n(diff not shown: " + a.size() + " lines before, " + b.size()
                + " lines after, too many differences to show)\n";
    }
}
