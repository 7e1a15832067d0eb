#pragma once
// Private to the fields module: each extract_*.cpp contributes the definitions of one field
// class of the syscall source (event_source.cpp).
#include <vector>

#include "sensor/fields/registry.h"

namespace sensor::fields::detail {

void add_evt_fields(std::vector<FieldDef>& out);
void add_evt_flag_fields(std::vector<FieldDef>& out);
void add_proc_fields(std::vector<FieldDef>& out);
void add_thread_fields(std::vector<FieldDef>& out);
void add_fd_fields(std::vector<FieldDef>& out);
void add_fspath_fields(std::vector<FieldDef>& out);
void add_fdlist_fields(std::vector<FieldDef>& out);
void add_user_fields(std::vector<FieldDef>& out);
void add_container_fields(std::vector<FieldDef>& out);

// The leaders of the event process's session and process group (extract_proc.cpp): by id in
// the live tables, kept exited processes included; for events without tables (fixtures), the
// ancestor (or self) with that id, else the eldest ancestor still sharing it.
const ProcessInfo* session_leader_of(const Event& ev);
const ProcessInfo* group_leader_of(const Event& ev);

}  // namespace sensor::fields::detail
