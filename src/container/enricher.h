#pragma once
// Ties container metadata to the state, on the event loop: a container's first event asks the
// metadata source for it; answers fill the ContainerInfo; each new container is announced
// once as a `container` event (with its metadata when the runtime answered, with its id
// only when it could not); containers no process uses any more are evicted.
#include <cstdint>
#include <string>
#include <vector>

#include "sensor/container/metadata_service.h"
#include "sensor/fields/event.h"
#include "sensor/state/container_table.h"
#include "sensor/state/process_table.h"

namespace sensor::container {

// Fills a ContainerInfo from the runtime's answer (the type stays the cgroup's guess when the
// runtime does not name itself).
void apply_metadata(const ContainerMetadata& m, state::ContainerInfo& c);

class ContainerEnricher {
  public:
    // source may be null: metadata lookups are off and containers are announced id-only.
    ContainerEnricher(state::ContainerTable& containers, const state::ProcessTable& procs,
                      MetadataSource* source);

    // Every decoded event: one byte compare unless its container is new.
    void on_event(const fields::Event& ev) {
        const state::ContainerInfo* c = ev.container_info();
        if (c && c->metadata == state::ContainerInfo::Metadata::unrequested) first_seen(ev, *c);
    }

    // Applies the answers so far; calls announce(const fields::Event&) with the `container`
    // event of each container announced now. wall_ns stamps those events.
    template <typename F>
    void poll(uint64_t wall_ns, F&& announce) {
        if (!source_) {
            for (const std::string& id : unannounced_)
                if (state::ContainerInfo* c = containers_.find(id))
                    announce_one(*c, wall_ns, announce);
            unannounced_.clear();
            return;
        }
        source_->take_answers(answers_);
        for (const MetadataAnswer& a : answers_) {
            state::ContainerInfo* c = containers_.find(a.metadata.full_id);
            if (!c) continue;  // evicted meanwhile
            if (a.result == LookupResult::found) {
                apply_metadata(a.metadata, *c);
                ++found_;
            }
            if (c->metadata != state::ContainerInfo::Metadata::announced)
                announce_one(*c, wall_ns, announce);
        }
    }

    // Periodic: evicts containers no process uses (two sweeps in a row).
    size_t sweep();

    uint64_t announced() const { return announced_; }
    uint64_t found() const { return found_; }

  private:
    void first_seen(const fields::Event& ev, const state::ContainerInfo& c);

    template <typename F>
    void announce_one(state::ContainerInfo& c, uint64_t wall_ns, F& announce) {
        c.metadata = state::ContainerInfo::Metadata::announced;
        event_ = fields::Event{};
        event_.ts = wall_ns;
        event_.type = container_type_;
        event_.dir = fields::EventDir::Enter;
        event_.has_res = false;
        event_.proc = procs_.find(c.first_tid);
        event_.container = &c;
        ++announced_;
        announce(static_cast<const fields::Event&>(event_));
    }

    state::ContainerTable& containers_;
    const state::ProcessTable& procs_;
    MetadataSource* source_;
    events::EventTypeId container_type_;
    std::vector<MetadataAnswer> answers_;
    std::vector<std::string> unannounced_;  // with no source
    fields::Event event_;
    uint64_t announced_ = 0, found_ = 0;
};

}  // namespace sensor::container
