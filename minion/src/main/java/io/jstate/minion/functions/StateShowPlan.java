package io.jstate.minion.functions;

import io.jstate.states.engine.Plan;
import io.jstate.states.engine.Secrets;
import io.jstate.states.engine.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code state.show_plan [SLS...]}: the plan this minion would run for the job's bundle, in run
 * order: {@code [{order, id, kind, name, file, line, requisites: [{type, id}]}]}. Nothing runs.
 */
final class StateShowPlan implements ExecutionFunction {
    @Override
    public Output call(FunctionContext context, List<String> args) {
        List<String> what = !context.targets().isEmpty() ? context.targets() : args;
        Plan plan = context.compile(what).plan();
        Secrets secrets = plan.secrets();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Step step : plan.steps()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("order", step.index() + 1);
            m.put("id", step.id());
            m.put("kind", step.kind());
            m.put("name", secrets.redact(step.name()));
            m.put("file", step.at() != null ? step.at().file() : null);
            m.put("line", step.at() != null ? step.at().line() : 0);
            List<Map<String, Object>> requisites = new ArrayList<>();
            for (Step.Edge e : step.requisites()) {
                requisites.add(Map.of("type", e.type().sls(), "id", plan.steps().get(e.target()).id()));
            }
            m.put("requisites", requisites);
            out.add(m);
        }
        return Output.ok(out);
    }
}
