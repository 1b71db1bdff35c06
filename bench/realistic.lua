-- wrk script: the realistic mixed load (issue #36). Of every 100 requests:
--   95 reads, half of them by signed-in readers (each a real session of one of the accounts), and
--      one read in five on a random idea of all (the long tail the page cache rarely holds), the
--      others on BENCH_PATHS (start page, lists, search, portfolio, API) and the hot ideas;
--    4 supports of a random idea of all, by a random account (a second support is answered 200);
--    1 comment on a hot idea, by a random account.
-- Counts the page cache's answers (X-Page-Cache), the writes and every answer that is not 2xx/3xx.
-- BENCH_COOKIES / BENCH_TOKENS: the accounts' session cookies and CSRF tokens, in the same order.
-- BENCH_FIRST_IDEA, BENCH_IDEAS: the range of published idea ids; BENCH_OWN_IDEAS: the accounts'
-- own ideas (never supported: that is refused); BENCH_HOT_IDEAS: the newest ideas; BENCH_COMMENT: the
-- comments' text (a number follows it; bench/run.py removes them before the next run).
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("number", counter)
  table.insert(threads, thread)
end

local function words(name)
  local list = {}
  for word in string.gmatch(os.getenv(name) or "", "%S+") do table.insert(list, word) end
  return list
end

function init(args)
  paths = words("BENCH_PATHS")
  hot = words("BENCH_HOT_IDEAS")
  cookies, tokens = words("BENCH_COOKIES"), words("BENCH_TOKENS")
  first, count = tonumber(os.getenv("BENCH_FIRST_IDEA")), tonumber(os.getenv("BENCH_IDEAS"))
  own = {}
  for _, id in ipairs(words("BENCH_OWN_IDEAS")) do own[tonumber(id)] = true end
  comment = string.gsub(os.getenv("BENCH_COMMENT"), " ", "+")
  hits, misses, writes, signed, failed = 0, 0, 0, 0, 0
  math.randomseed(os.time() * 7 + number)
end

local function random_idea()
  local id = first + math.random(0, count - 1)
  while own[id] do id = first + math.random(0, count - 1) end
  return id
end

function request()
  local r = math.random()
  local who = math.random(1, #cookies)
  if r < 0.05 then
    writes = writes + 1
    local path, body
    if r < 0.04 then
      path, body = "/ideen/" .. random_idea() .. "/unterstuetzen", "csrf_token=" .. tokens[who]
    else
      path = "/ideen/" .. hot[math.random(1, #hot)] .. "/kommentare"
      body = "csrf_token=" .. tokens[who] .. "&body=" .. comment .. "+" .. math.random(1, 1000000)
    end
    return wrk.format("POST", path, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Accept"] = "application/json",
      ["Cookie"] = cookies[who],
    }, body)
  end
  local path
  if math.random() < 0.2 then path = "/ideen/" .. random_idea() else path = paths[math.random(1, #paths)] end
  if math.random() < 0.5 then
    signed = signed + 1
    return wrk.format("GET", path, {["Cookie"] = cookies[who]})
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  local answer = headers["X-Page-Cache"]
  if answer == "hit" then hits = hits + 1 elseif answer == "miss" then misses = misses + 1 end
  if status >= 400 then failed = failed + 1 end
end

function done(summary, latency, requests)
  local h, m, w, s, f = 0, 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    h = h + thread:get("hits")
    m = m + thread:get("misses")
    w = w + thread:get("writes")
    s = s + thread:get("signed")
    f = f + thread:get("failed")
  end
  io.write(string.format("page cache: hits %d misses %d writes %d\n", h, m, w))
  io.write(string.format("signed-in reads %d, failed %d\n", s, f))
end
