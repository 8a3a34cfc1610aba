-- wrk script for the opening rush: every request is a new general_single application with its
-- own office number, each thread stops after its share of QUOTA applications, and every answer
-- is written down (thread, the request's place in its thread's sending order, status, the
-- arrival number the server gave) for the fairness check in scripts/rush-wrk.sh.
-- usage: wrk -t2 -c300 -d120s -s benches/load/wrk-rush.lua URL -- PER_THREAD OUT_PREFIX [FIRST_SERIAL]
local threads = {}
local next_tid = 0

function setup(thread)
  next_tid = next_tid + 1
  thread:set("tid", next_tid)
  table.insert(threads, thread)
end

function init(args)
  quota = tonumber(args[1] or "5000")
  prefix = (args[2] or "/tmp/rush") .. "-" .. tid
  out = io.open(prefix .. ".txt", "w")
  counter = tonumber(args[3] or "0")
  first = counter
  answered = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local office = string.format("%02d7%07d", 10 + tid, counter)
  local body = '{"tier":"general_single","contact":{"name":"負荷 太郎","email":"load' .. office ..
    '@example.jp"},"offices":[{"office_number":"' .. office ..
    '","name":"負荷試験事業所","kind":"care_management","corporate_number":"7123456789012",' ..
    '"corporation_name":"社会福祉法人テスト","municipality_code":"132039",' ..
    '"address":"東京都武蔵野市緑町2-2-28","email":"o' .. office .. '@example.jp","using_system_since":null}]}'
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  answered = answered + 1
  local office = body:match('"office_number":"(%d+)"') or "0"
  local sequence = body:match('"sequence":(%d+)') or "-"
  out:write(string.format("%d %d %d %s\n", tid, tonumber(office:sub(4)) - first, status, sequence))
  if answered == quota then
    -- wrk itself runs for its whole -d; the driving script ends it (SIGINT) once every thread
    -- has left this mark, and wrk then reports the time actually taken.
    out:flush()
    io.open(prefix .. ".done", "w"):close()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  io.write(string.format("requests=%d errors_status=%d errors_socket=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f rps=%.0f\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50)/1000, latency:percentile(99)/1000, latency.max/1000,
    summary.requests / (summary.duration/1e6)))
end
