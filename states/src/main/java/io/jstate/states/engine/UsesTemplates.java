package io.jstate.states.engine;

import java.util.List;
import java.util.Map;

/**
 * A spec that names files of the state tree. The compiler reads or renders each one before
 * anything runs, so a missing template or a missing variable in one is refused up front with the
 * template's file and line, like any other error in the state tree, and the master knows which
 * files a minion's bundle must carry.
 */
public interface UsesTemplates {

    /**
     * @param source  a path from the state tree's root ({@code jstate://} prefix allowed)
     * @param render  whether it is a Mustache template (else copied as is)
     * @param context extra values the state renders it with
     */
    record TemplateUse(String source, boolean render, Map<String, Object> context) {}

    List<TemplateUse> templates();
}
