// The plumbing every Boost.MSM adapter in workflows/ shares, written once:
//   - stable state name <-> MSM state id (ids follow the transition table's order; names are what
//     the database stores, invariant I7);
//   - the events with a row out of each state, read from the transition table itself;
//   - restore: puts a machine into a persisted state through MSM's public serialize() with a
//     loader archive that only sets the active state id, so no entry action runs and start() is
//     not called (TECH-NOTES: there is no public setter for the active state);
//   - fire: process_event for the event type whose kId matches an id.
// Requirements: every state type has `static constexpr std::string_view kName`, every event type
// `static constexpr std::string_view kId`; the machine has one region. Header-only templates:
// include it only from the single .cpp that instantiates a machine (an MSM TU costs ~500 MB).
#pragma once

#include <boost/mpl/for_each.hpp>
#include <boost/msm/back/state_machine.hpp>

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace djflow::workflows::msm_support {

// A type carrier for mpl::for_each (no nested ::type, so MPL's lambda leaves it alone; the states
// and events themselves are never constructed).
template <class T>
struct Tag {};

struct StateId {
  std::string_view name;
  int id;
};

template <class Fsm, class States, class Events>
struct Machine {
  using Table = typename Fsm::stt;                  // the back-end's table (state ids)
  using Rows = typename Fsm::transition_table;      // the front-end's rows (Source, Evt, ...)

  static const std::vector<StateId>& state_ids() {
    static const std::vector<StateId> ids = [] {
      std::vector<StateId> out;
      boost::mpl::for_each<States, Tag<boost::mpl::_1>>([&]<class S>(Tag<S>) {
        out.push_back({S::kName, boost::msm::back::get_state_id<Table, S>::value});
      });
      return out;
    }();
    return ids;
  }

  static std::optional<int> msm_id(std::string_view name) {
    for (const auto& s : state_ids())
      if (s.name == name) return s.id;
    return std::nullopt;
  }

  static std::string stable_name(int id) {
    for (const auto& s : state_ids())
      if (s.id == id) return std::string(s.name);
    return "?";
  }

  // Event ids with a row out of `state`, in the table's order.
  static std::vector<std::string> events_from(std::string_view state) {
    static const auto rows = [] {
      std::map<std::string, std::vector<std::string>, std::less<>> out;
      for (const auto& s : state_ids()) out[std::string(s.name)];
      boost::mpl::for_each<Rows, Tag<boost::mpl::_1>>([&]<class R>(Tag<R>) {
        auto& events = out[std::string(R::Source::kName)];
        const std::string id(R::Evt::kId);
        if (std::find(events.begin(), events.end(), id) == events.end()) events.push_back(id);
      });
      return out;
    }();
    auto it = rows.find(state);
    return it == rows.end() ? std::vector<std::string>{} : it->second;
  }

  // Puts `m` into the state named `name`: start() for a new case (""), the loader otherwise.
  // Returns false when the name is not a state of this machine.
  static bool restore(Fsm& m, std::string_view name) {
    if (name.empty()) {
      m.start();
      return true;
    }
    auto id = msm_id(name);
    if (!id) return false;
    StateLoader loader(*id);
    m.serialize(loader, 0);
    return true;
  }

  static boost::msm::back::HandledEnum fire(Fsm& m, std::string_view event) {
    auto handled = boost::msm::back::HANDLED_FALSE;
    boost::mpl::for_each<Events, Tag<boost::mpl::_1>>([&]<class E>(Tag<E>) {
      if (E::kId == event) handled = m.process_event(E{});
    });
    return handled;
  }

 private:
  // state_machine::serialize visits the front-end (nothing to load), m_states (int[regions]), the
  // history policy and two flags; this archive writes the state id into m_states and leaves
  // everything else as constructed.
  class StateLoader {
   public:
    explicit StateLoader(int id) : id_(id) {}
    template <class T>
    StateLoader& operator&(T& value) {
      load(value);
      return *this;
    }

   private:
    template <std::size_t N>
    void load(int (&states)[N]) {
      static_assert(N == 1, "djflow's machines have one region");
      states[0] = id_;
    }
    template <class T>
    void load(T&) {}

    int id_;
  };
};

}  // namespace djflow::workflows::msm_support
