-- wrk script: POST a support for a random idea (body and cookie come from the environment).
local first = tonumber(os.getenv("BENCH_FIRST_IDEA"))
local count = tonumber(os.getenv("BENCH_IDEAS"))
wrk.method = "POST"
wrk.body = "csrf_token=" .. os.getenv("BENCH_CSRF")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
math.randomseed(os.time())
request = function()
  local id = first + math.random(0, count - 1)
  return wrk.format(nil, "/ideen/" .. id .. "/unterstuetzen")
end
