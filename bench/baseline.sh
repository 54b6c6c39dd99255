#!/usr/bin/env bash
# The shell upload people write today, used by bench/run.py as the baseline:
# openssl for the hash, curl for the token, the upload URL and the PUT, python3 for JSON.
#   AGC_API_BASE=https://... AGC_CA_FILE=ca.pem AGC_CLIENT_ID=... AGC_CLIENT_SECRET=... \
#     bench/baseline.sh APP_ID FILE
# Prints the objectId on success.
set -euo pipefail
app_id=$1
file=$2
base=${AGC_API_BASE:?}
ca=${AGC_CA_FILE:?}

sha256=$(openssl dgst -sha256 -r "$file" | cut -d' ' -f1)
size=$(stat -c %s "$file")
name=$(basename "$file")

token=$(curl -sS --fail --cacert "$ca" -H 'Content-Type: application/json' \
  -d "{\"grant_type\":\"client_credentials\",\"client_id\":\"$AGC_CLIENT_ID\",\"client_secret\":\"$AGC_CLIENT_SECRET\"}" \
  "$base/api/oauth2/v1/token" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

info=$(curl -sS --fail --cacert "$ca" -G \
  --data-urlencode "appId=$app_id" --data-urlencode "fileName=$name" \
  --data-urlencode "contentLength=$size" --data-urlencode "sha256=$sha256" \
  -H "client_id: $AGC_CLIENT_ID" -H "Authorization: Bearer $token" \
  "$base/api/publish/v2/upload-url/for-obs")

# Line 1: objectId, line 2: url, then one signed header per line.
mapfile -t put < <(printf '%s' "$info" | python3 -c '
import json, sys
u = json.load(sys.stdin)["urlInfo"]
print(u["objectId"]); print(u["url"])
for k, v in u["headers"].items(): print(f"{k}: {v}")')

headers=()
for h in "${put[@]:2}"; do headers+=(-H "$h"); done
curl -sS --fail --cacert "$ca" -T "$file" "${headers[@]}" -o /dev/null "${put[1]}"
echo "${put[0]}"
