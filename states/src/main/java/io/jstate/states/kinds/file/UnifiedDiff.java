package io.jstate.states.kinds.file;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts, as {@code diff -u} prints it, for content changes of every
 * file-writing state. It is computed with Myers' algorithm after trimming the common head and
 * tail, which keeps the usual config edit (a few lines in a long file) cheap; very large or very
 * different inputs get a one-line summary instead, because a diff nobody can read is no help.
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
        List<Op> middle = myers(midA, midB);
        if (middle == null) return tooLarge(a, b);

        List<Op> ops = new ArrayList<>(a.size() + midB.size());
        for (int i = 0; i < head; i++) ops.add(new Op(' ', i, i));
        for (Op o : middle) ops.add(new Op(o.kind, o.a + head, o.b + head));
        for (int i = 0; i < tail; i++) ops.add(new Op(' ', a.size() - tail + i, b.size() - tail + i));
        return render(ops, a, b);
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

    /** One line of the edit script: ' ' keeps a.get(a), '-' drops a.get(a), '+' adds b.get(b). */
    private record Op(char kind, int a, int b) {}

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
     * Myers' O(ND) shortest edit script. It keeps, for each edit distance d, only the 2d+1
     * furthest-reaching points, so memory grows with the number of edits rather than with the
     * file size. Returns null when the texts differ in more than {@link #MAX_EDITS} lines.
     */
    private static List<Op> myers(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        int max = Math.min(n + m, MAX_EDITS);
        int off = max + 1;
        int[] v = new int[2 * max + 3];
        List<int[]> trace = new ArrayList<>();
        int found = -1;
        for (int d = 0; d <= max && found < 0; d++) {
            for (int k = -d; k <= d; k += 2) {
                int x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1] : v[off + k - 1] + 1;
                int y = x - k;
                while (x < n && y < m && a.get(x).equals(b.get(y))) {
                    x++;
                    y++;
                }
                v[off + k] = x;
                if (x >= n && y >= m) found = d;
            }
            int[] snap = new int[2 * d + 1];
            System.arraycopy(v, off - d, snap, 0, 2 * d + 1);
            trace.add(snap);
        }
        if (found < 0) return null;

        List<Op> reversed = new ArrayList<>();
        int x = n;
        int y = m;
        for (int d = found; d > 0; d--) {
            int[] prev = trace.get(d - 1);
            int k = x - y;
            int prevK = (k == -d || (k != d && prev[k - 1 + d - 1] < prev[k + 1 + d - 1])) ? k + 1 : k - 1;
            int prevX = prev[prevK + d - 1];
            int prevY = prevX - prevK;
            while (x > prevX && y > prevY) reversed.add(new Op(' ', --x, --y));
            if (x == prevX) reversed.add(new Op('+', x, --y));
            else reversed.add(new Op('-', --x, y));
        }
        while (x > 0 && y > 0) reversed.add(new Op(' ', --x, --y));
        List<Op> out = new ArrayList<>(reversed.size());
        for (int i = reversed.size() - 1; i >= 0; i--) out.add(reversed.get(i));
        return out;
    }

    private static String render(List<Op> ops, List<String> a, List<String> b) {
        StringBuilder sb = new StringBuilder("--- before\n+++ after\n");
        int i = 0;
        while (i < ops.size()) {
            while (i < ops.size() && ops.get(i).kind == ' ') i++;
            if (i == ops.size()) break;
            int start = Math.max(0, i - CONTEXT);
            // A hunk runs on while the next change is close enough that their contexts touch.
            int end = i;
            int j = i;
            while (j < ops.size()) {
                if (ops.get(j).kind != ' ') {
                    end = j;
                    j++;
                } else if (j - end <= 2 * CONTEXT) {
                    j++;
                } else {
                    break;
                }
            }
            int stop = Math.min(ops.size(), end + 1 + CONTEXT);
            hunk(sb, ops.subList(start, stop), a, b);
            if (sb.length() > MAX_CHARS) {
                sb.setLength(MAX_CHARS);
                sb.append("\n... diff truncated at ").append(MAX_CHARS / 1024).append(" KiB\n");
                return sb.toString();
            }
            i = stop;
        }
        return sb.toString();
    }

    private static void hunk(StringBuilder sb, List<Op> ops, List<String> a, List<String> b) {
        int aStart = -1;
        int bStart = -1;
        int aCount = 0;
        int bCount = 0;
        for (Op o : ops) {
            if (o.kind != '+') {
                if (aStart < 0) aStart = o.a;
                aCount++;
            }
            if (o.kind != '-') {
                if (bStart < 0) bStart = o.b;
                bCount++;
            }
        }
        // Per the format, an empty range names the line before it, so it starts one lower.
        Op first = ops.get(0);
        if (aStart < 0) aStart = first.a - 1;
        if (bStart < 0) bStart = first.b - 1;
        sb.append("@@ -").append(range(aStart, aCount)).append(" +").append(range(bStart, bCount)).append(" @@\n");
        for (Op o : ops) {
            String line = o.kind == '+' ? b.get(o.b) : a.get(o.a);
            sb.append(o.kind).append(line);
            if (!line.endsWith("\n")) sb.append("\n\\ No newline at end of file\n");
        }
    }

    private static String range(int start, int count) {
        return count == 1 ? String.valueOf(start + 1) : (start + 1) + "," + count;
    }

    private static String tooLarge(List<String> a, List<String> b) {
        return "--- before\n+++ after\n(diff not shown: " + a.size() + " lines before, " + b.size()
                + " lines after, too many differences to show)\n";
    }
}
