package io.jstate.it.workload;

import java.util.List;

/**
 * What the verifier found on the nodes: {@code lost} acknowledged ids missing (or with another
 * value) on at least one reachable node, {@code duplicated} ids found more than once on a node,
 * {@code unackedFound} ids present that were never acknowledged (allowed: their COMMIT's answer was
 * lost), {@code divergent} ids the reachable nodes disagree on, the nodes it could not read, and up
 * to 20 lines saying what was wrong where.
 */
public record SqlVerification(long checked, List<String> nodesRead, List<String> unreachableNodes, long lost, long duplicated, long unackedFound,
        long divergent, List<String> problems) {}
