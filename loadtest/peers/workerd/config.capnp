# workerd config: one worker, one HTTP socket.
# The listen address here is a default: start.sh runs launch.py, which opens
# the listening socket(s) itself and passes each with --socket-fd http=<fd>.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .helloWorker),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:18081", http = (), service = "main"),
  ],
);

const helloWorker :Workerd.Worker = (
  modules = [
    (name = "worker", esModule = embed "worker.js"),
  ],
  compatibilityDate = "2025-01-01",
);
