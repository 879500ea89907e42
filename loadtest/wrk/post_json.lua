-- wrk script for the realistic POST of loadtest/peers.sh: a JSON order (about 300 bytes)
-- that the gateway's handler and the axum peer parse into a typed struct.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["User-Agent"] = "shop-client/2.4 (+https://shop.example.com)"
wrk.body = '{"customer":"c-20931","currency":"EUR","items":['
  .. '{"sku":"BK-1001","title":"Rust in Action","price":39.9,"qty":1},'
  .. '{"sku":"BK-2040","title":"Zero To Production","price":45.0,"qty":2},'
  .. '{"sku":"MG-0007","title":"Gateway Monthly","price":6.5,"qty":3}],'
  .. '"shipping":{"method":"standard","country":"DE"},"note":"leave at the door"}'
