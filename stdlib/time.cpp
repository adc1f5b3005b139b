// The `time` module: wall and monotonic clocks, and a blocking sleep.
#include <chrono>
#include <cmath>
#include <thread>

#include "stdlib/registry.hpp"
#include "vm/ops.hpp"
#include "vm/thread_state.hpp"

namespace asy::stdlib {

using namespace asy::vm;

namespace {

double seconds_since_epoch() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

double monotonic_seconds() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

Value time_time(VM& vm, const Args& a) {
    if (!check_args(vm, a, "time", 0, 0)) return Value::empty();
    return Value::real(seconds_since_epoch());
}

Value time_time_ns(VM& vm, const Args& a) {
    if (!check_args(vm, a, "time_ns", 0, 0)) return Value::empty();
    using namespace std::chrono;
    return Value::integer(duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count());
}

Value time_monotonic(VM& vm, const Args& a) {
    if (!check_args(vm, a, "monotonic", 0, 0)) return Value::empty();
    return Value::real(monotonic_seconds());
}

Value time_monotonic_ns(VM& vm, const Args& a) {
    if (!check_args(vm, a, "monotonic_ns", 0, 0)) return Value::empty();
    using namespace std::chrono;
    return Value::integer(duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count());
}

Value time_sleep(VM& vm, const Args& a) {
    if (!check_args(vm, a, "sleep", 1, 1)) return Value::empty();
    double secs;
    if (!to_double(vm, a.pos[0], &secs)) return Value::empty();
    if (std::isnan(secs)) return vm.raise(vm.exc.ValueError, "Invalid value NaN (not a number)");
    if (secs < 0) return vm.raise(vm.exc.ValueError, "sleep length must be non-negative");
    GilRelease unlocked(vm);  // other threads run while this one sleeps
    std::this_thread::sleep_for(std::chrono::duration<double>(secs));
    return Value::none();
}

}  // namespace

bool init_time_module(VM& vm, Module* m) {
    Dict* ns = m->dict;
    def_function(vm, ns, "time", time_time);
    def_function(vm, ns, "time_ns", time_time_ns);
    def_function(vm, ns, "monotonic", time_monotonic);
    def_function(vm, ns, "monotonic_ns", time_monotonic_ns);
    def_function(vm, ns, "perf_counter", time_monotonic);
    def_function(vm, ns, "perf_counter_ns", time_monotonic_ns);
    def_function(vm, ns, "sleep", time_sleep);
    return true;
}

}  // namespace asy::stdlib
