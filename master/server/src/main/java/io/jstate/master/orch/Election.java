package io.jstate.master.orch;

import java.util.List;
import java.util.Map;

/**
 * A rule that chooses, from facts every targeted minion reported, what a cluster must do next
 * ("which Galera node bootstraps"). The orchestrator runs {@link #function()} on every minion of
 * the stage's target, then asks the rule to decide. A rule is a pure function of its input: the
 * same facts give the same choice, whatever order minions answered in.
 */
public interface Election {

    /** The execution function whose JSON value is each minion's facts, e.g. {@code galera.facts}. */
    String function();

    /**
     * @param targeted every minion the stage targets, sorted by id
     * @param facts    the facts of each minion that reported (a minion missing here did not answer
     *                 or its function failed; {@code failures} says why)
     * @param failures why each minion without facts has none
     * @return the values later stages may use, under the election's name
     * @throws ElectionRefused when the facts do not allow a safe choice; the message tells the
     *                         operator what is wrong and what to do
     */
    Elected decide(List<String> targeted, Map<String, Map<String, Object>> facts, Map<String, String> failures);

    /**
     * The operator's choice, for when the rule refuses to choose (or the operator knows better):
     * {@code jstate orchestrate ... --choose RULE=VALUE}. The facts are still gathered, so the
     * rule can refuse a choice that is unsafe on its face.
     *
     * @throws ElectionRefused when the rule takes no choice, or not this one
     */
    default Elected choose(String choice, List<String> targeted, Map<String, Map<String, Object>> facts, Map<String, String> failures) {
        throw new ElectionRefused("this election takes no operator choice");
    }

    /**
     * What an election chose.
     *
     * @param values  what later stages may use: strings, booleans, numbers and lists of strings
     *                (for example {@code action}, {@code seed}, {@code bootstrap})
     * @param summary one or two sentences an operator reads: what was chosen and why
     */
    record Elected(Map<String, Object> values, String summary) {
        public Elected {
            values = Map.copyOf(values);
        }
    }

    /** The facts do not allow a safe choice. */
    final class ElectionRefused extends RuntimeException {
        public ElectionRefused(String message) {
            super(message);
        }
    }
}
