/*
 * The module ABI version.  A module records the version it was built for in
 * its metadata and the loader refuses any other.  Bump it whenever something
 * a module depends on changes in a way the per-symbol declaration hashes
 * cannot see: the layout of a struct passed across the boundary, the meaning
 * of a call, the metadata record format (include/graft/module.h), or the
 * calling convention and flags of tools/graft-module-build.sh.
 */
#ifndef GRAFT_ABI_VERSION_H
#define GRAFT_ABI_VERSION_H

#define GRAFT_ABI_VERSION 1

#endif
