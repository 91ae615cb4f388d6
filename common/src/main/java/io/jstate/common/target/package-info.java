/**
 * Target expressions choosing minions by id, grains, pillar and nodegroups, in Salt's compound
 * syntax. Used by top files and by the master to target jobs; it depends on nothing else of jstate.
 */
package io.jstate.common.target;
