package io.jstate.common.text;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** "Did you mean" suggestions for unknown state kinds, arguments and requisite ids. */
public final class Names {
    private Names() {}

    /** Up to three candidates close to {@code wanted}, nearest first. */
    public static List<String> nearest(String wanted, Collection<String> candidates) {
        int limit = Math.max(2, wanted.length() / 3);
        return candidates.stream()
                .map(c -> new Object[] {c, distance(wanted.toLowerCase(), c.toLowerCase())})
                .filter(p -> (int) p[1] <= limit || ((String) p[0]).contains(wanted) || wanted.contains((String) p[0]))
                .sorted(Comparator.comparingInt((Object[] p) -> (int) p[1]).thenComparing(p -> (String) p[0]))
                .limit(3)
                .map(p -> (String) p[0])
                .toList();
    }

    /** " (did you mean a, b?)" or "" when nothing is close. */
    public static String didYouMean(String wanted, Collection<String> candidates) {
        List<String> near = nearest(wanted, candidates);
        return near.isEmpty() ? "" : " (did you mean " + String.join(", ", near) + "?)";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
