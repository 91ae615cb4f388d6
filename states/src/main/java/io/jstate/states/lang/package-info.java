/**
 * The state language: from a state tree to an {@link io.jstate.states.engine.Plan}.
 *
 * <p>{@link io.jstate.states.lang.Compiler} reads, for one minion: the pillar (the pillar tree's
 * {@code top.sls}, its files rendered with Mustache over {@code grains} and {@code minion},
 * deep-merged in top order), then the SLS files named by the targets or, for {@code highstate},
 * by the state tree's {@code top.sls}. Every file is rendered by one strict
 * {@link io.jstate.states.lang.Renderer} (a missing variable is an error, nothing is HTML-escaped,
 * partials are paths from the tree root) and then read as YAML with typing close to YAML 1.2:
 * only {@code true}/{@code false} are booleans and {@code 0644}, {@code ON}, {@code yes} stay text.
 *
 * <p>An SLS file is Salt's shape: {@code include: [a, .b]} and
 * {@code id: {family.function: [{arg: value}, {require: [{family: id-or-name}, {sls: name}, id]}]}}.
 * Requisites ({@code require}, {@code watch}, {@code onchanges}, {@code onfail} and their
 * {@code _in} forms) and the engine options {@code order}, {@code failhard}, {@code retry} and
 * {@code timeout} are taken out of the arguments; the rest bind to the kind's spec record. States
 * run in definition order (included files first), adjusted by {@code order}, then moved only as far
 * as their requisites force them. Every user error is a
 * {@link io.jstate.states.engine.PlanException} naming the file, line and state id.
 */
package io.jstate.states.lang;
