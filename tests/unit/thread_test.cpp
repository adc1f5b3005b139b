// Unit tests of the interpreter lock (vm/thread_state.hpp): mutual exclusion, per-thread state
// swapping, the drop request, and collector roots held by parked threads.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "vm/ops.hpp"
#include "vm/thread_state.hpp"
#include "vm/vm.hpp"

using namespace asy::vm;

TEST_CASE("threads: the lock excludes and per-thread state is swapped", "[threads]") {
    VM vm;
    Threads& threads = Threads::ensure(vm);
    std::atomic<int> inside{0};
    std::atomic<bool> overlap{false}, leaked{false};
    int counter = 0;  // guarded by the interpreter lock only
    auto work = [&] {
        ThreadState ts;
        for (int i = 0; i < 200; ++i) {
            threads.acquire(ts);
            // (Catch2 assertions are not thread-safe: record, check on the main thread.)
            if (inside.fetch_add(1) != 0) overlap = true;
            if (vm.frame != nullptr || !vm.heap.temp_roots.empty()) leaked = true;
            new_list(vm);  // a pin on this thread's own stack
            ++counter;
            inside.fetch_sub(1);
            vm.heap.release(0);
            threads.release(ts, false);
        }
    };
    size_t main_pins = vm.heap.mark();
    new_list(vm);
    {
        GilRelease unlocked(vm);
        std::thread a(work), b(work);
        a.join();
        b.join();
    }
    CHECK_FALSE(overlap);
    CHECK_FALSE(leaked);
    CHECK(counter == 400);
    CHECK(vm.heap.mark() == main_pins + 1);  // the main thread's pins came back
    vm.heap.release(main_pins);
}

TEST_CASE("threads: a parked thread's pins survive another thread's collection", "[threads]") {
    VM vm;
    Threads& threads = Threads::ensure(vm);
    size_t mark = vm.heap.mark();
    List* keep = new_list(vm);
    keep->items.push_back(str_value(vm, "still here"));
    size_t collections = vm.heap.collections();
    {
        GilRelease unlocked(vm);
        std::thread t([&] {
            ThreadState ts;
            threads.acquire(ts);
            for (int i = 0; i < 1000; ++i) new_list(vm);
            vm.heap.release(0);
            vm.heap.collect();
            threads.release(ts, false);
        });
        t.join();
    }
    CHECK(vm.heap.collections() > collections);
    REQUIRE(keep->items.size() == 1);
    CHECK(static_cast<Str*>(keep->items[0].o)->view() == "still here");
    vm.heap.release(mark);
}

TEST_CASE("threads: a waiter gets the lock from a busy holder through the drop request", "[threads]") {
    VM vm;
    Threads& threads = Threads::ensure(vm);
    std::atomic<bool> got{false};
    std::thread waiter([&] {
        ThreadState ts;
        threads.acquire(ts);
        got = true;
        threads.release(ts, false);
    });
    // The holder "runs asy code": it only polls the flag at safe points, as the interpreter does.
    auto start = std::chrono::steady_clock::now();
    while (!got && std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
        if (vm.gil_drop_request.load(std::memory_order_relaxed)) yield_interpreter(vm);
    }
    waiter.join();
    CHECK(got);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
}
