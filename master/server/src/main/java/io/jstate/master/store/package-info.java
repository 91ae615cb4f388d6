/** What the master's stores share: moving aside a file they cannot read. */
package io.jstate.master.store;
