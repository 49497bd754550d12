// loyalty-syncd as a Windows service: installed with the options it runs with, started by the
// service control manager at boot, and stopped by it (docs/chain.md, "Windows"). Elsewhere these
// calls say that services are Windows'.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace syncd {

// Runs `body` as the service `name` under the service control manager, which must have started
// this process: `stop` becomes true when the manager stops the service or Windows shuts down.
// Returns the body's status, or 1 (with the reason on stderr) when not started as a service.
int run_as_service(const std::string& name, const std::function<int()>& body,
                   std::atomic<bool>& stop);

// Creates the service `name`, started automatically at boot, running this program with
// `--service name` and `args`. 0, or 1 with the reason on stderr.
int install_service(const std::string& name, const std::vector<std::string>& args);

// Stops (when running) and deletes the service `name`. 0, or 1 with the reason on stderr.
int remove_service(const std::string& name);

}  // namespace syncd
