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

}  // namespace sensor::fields::detail
