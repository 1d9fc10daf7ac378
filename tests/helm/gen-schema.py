# gen-schema.py: writes helm/fcgi-users/values.schema.json (make helm-schema). The
# schema is kept in Python for brevity; edit here, run it, commit both.
import json
S = lambda **k: dict(k)
string = {"type": "string"}
nonneg = {"type": "integer", "minimum": 0}
posint = {"type": "integer", "minimum": 1}
port = {"type": "integer", "minimum": 1, "maximum": 65535}
obj = {"type": "object"}
arr = {"type": "array"}
strarr = {"type": "array", "items": {"type": "string"}}
cidr = {"type": "string", "pattern": r"^[0-9a-fA-F:.]+(/[0-9]{1,3})?$"}

def closed(props, required=None, **extra):
    d = {"type": "object", "additionalProperties": False, "properties": props}
    if required: d["required"] = required
    d.update(extra)
    return d

defs = {}
defs["image"] = closed({
    "registry": string,
    "repository": {"type": "string", "minLength": 1, "description": "image repository (required)"},
    "tag": {"type": ["string", "number"]},
    "digest": {"type": "string", "pattern": r"^(|sha256:[0-9a-f]{64})$"},
    "pullPolicy": {"enum": ["Always", "IfNotPresent", "Never"]},
    "pullSecrets": strarr,
}, ["repository"])
defs["probe"] = closed({
    "enabled": {"type": "boolean"},
    "initialDelaySeconds": nonneg, "periodSeconds": posint, "timeoutSeconds": posint,
    "failureThreshold": posint, "successThreshold": posint,
}, ["enabled"])
defs["securityContext"] = {"type": "object", "properties": {"enabled": {"type": "boolean"}}, "required": ["enabled"]}
defs["autoscaling"] = closed({
    "enabled": {"type": "boolean"}, "minReplicas": posint, "maxReplicas": posint,
    "targetCPU": {"type": "integer", "minimum": 0, "maximum": 100},
    "targetMemory": {"type": "integer", "minimum": 0, "maximum": 100},
}, ["enabled", "minReplicas", "maxReplicas"])
intOrPct = {"oneOf": [nonneg, {"type": "string", "pattern": r"^([0-9]+%?)?$"}]}
defs["pdb"] = closed({"create": {"type": "boolean"}, "minAvailable": intOrPct, "maxUnavailable": intOrPct}, ["create"])
defs["pool"] = closed({
    "pm": {"enum": ["static", "dynamic"]},
    "workers": {"type": "integer", "minimum": 1, "maximum": 1000}, "startServers": posint, "minSpareServers": posint, "maxSpareServers": posint,
    "maxRequests": nonneg, "requestTimeout": nonneg, "slowRequestTimeout": nonneg, "listenBacklog": posint,
}, ["pm", "workers"])
ref = lambda n: {"$ref": f"#/definitions/{n}"}
common = {
    "image": ref("image"),
    "replicaCount": {"type": "integer", "minimum": 0, "description": "number of pods"},
    "updateStrategy": obj,
    "terminationGracePeriodSeconds": nonneg,
    "preStopSleepSeconds": nonneg,
    "podAnnotations": obj, "podLabels": obj,
    "podSecurityContext": ref("securityContext"), "containerSecurityContext": ref("securityContext"),
    "resources": obj,
    "livenessProbe": ref("probe"), "readinessProbe": ref("probe"), "startupProbe": ref("probe"),
    "nodeSelector": obj, "tolerations": arr, "affinity": obj,
    "podAntiAffinityPreset": {"enum": ["", "soft", "hard"]},
    "topologySpreadConstraints": arr, "priorityClassName": string,
    "extraEnvVars": {"type": "array", "items": {"type": "object", "required": ["name"]}},
    "extraVolumes": arr, "extraVolumeMounts": arr,
    "sidecars": {"type": "array", "items": {"type": "object", "required": ["name", "image"]}},
    "initContainers": {"type": "array", "items": {"type": "object", "required": ["name", "image"]}},
    "autoscaling": ref("autoscaling"), "pdb": ref("pdb"),
}
def pool_component(extra):
    p = dict(common)
    p.update({
        "pool": ref("pool"),
        "logFormat": {"enum": ["text", "json"]},
        "logLevel": {"enum": ["debug", "info", "warn", "error"]},
        "extraEnvVarsCM": string, "extraEnvVarsSecret": string,
        "containerPorts": closed({"fastcgi": port}, ["fastcgi"]),
        "service": closed({"type": {"enum": ["ClusterIP", "NodePort", "LoadBalancer"]},
                            "ports": closed({"fastcgi": port}, ["fastcgi"]), "annotations": obj}),
    })
    p.update(extra)
    return closed(p, ["image", "replicaCount", "pool"])
nginx = dict(common)
nginx.update({
    "workerProcesses": {"type": "integer", "minimum": 1, "description": "a number (not auto): keepalive is derived from it"},
    "workerConnections": posint,
    "upstreamKeepalive": {"oneOf": [{"const": "auto"}, nonneg]},
    "upstreamConcurrency": closed({"frontend": nonneg, "backend": nonneg}),
    "statusAllowCIDRs": {"type": "array", "items": cidr},
    "logFormat": {"enum": ["text", "json"]},
    "rateLimit": {"type": "string", "pattern": r"^(off|[1-9][0-9]*r/[sm])$"},
    "signInRate": {"type": "string", "pattern": r"^(off|[1-9][0-9]*r/[sm])$"},
    "connLimit": {"oneOf": [{"const": "off"}, {"type": "integer", "minimum": 1, "maximum": 999999}]},
    "microCache": {"type": "boolean"},
    "realIpFrom": {"type": "array", "items": cidr},
    "upstreams": closed({"frontend": {"type": "string", "pattern": r"^(|[A-Za-z0-9._-]+:[0-9]+|unix:/.+)$"},
                         "backend": {"type": "string", "pattern": r"^(|[A-Za-z0-9._-]+:[0-9]+|unix:/.+)$"}}),
    "staticRoot": {"type": "string", "pattern": "^/"},
    "runDir": {"type": "string", "pattern": "^/"},
    "containerPorts": closed({"http": port}, ["http"]),
    "service": closed({"type": {"enum": ["ClusterIP", "NodePort", "LoadBalancer"]},
                       "ports": closed({"http": port}, ["http"]), "annotations": obj}),
})
schema = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "fcgi-users chart values",
    "definitions": defs,
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "global": {"type": "object", "properties": {"imageRegistry": string, "imagePullSecrets": strarr}},
        "nameOverride": string, "fullnameOverride": string,
        "commonLabels": obj, "commonAnnotations": obj,
        "clusterDomain": {"type": "string", "minLength": 1},
        "database": closed({
            "host": {"type": "string", "minLength": 1}, "port": port,
            "name": {"type": "string", "pattern": "^[A-Za-z0-9_$]{1,64}$"},
            "user": {"type": "string", "minLength": 1, "maxLength": 80},
            "password": string, "existingSecret": string,
            "existingSecretPasswordKey": {"type": "string", "minLength": 1},
            "sslMode": {"enum": ["DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY"]},
            "caCert": closed({"existingSecret": string, "key": {"type": "string", "minLength": 1}}),
            "maxConnections": nonneg, "reservedConnections": nonneg,
            # fcgi-backend's account-name alphabet (db_grants.c): nothing to quote
            "admin": closed({"user": {"type": "string", "pattern": "^[A-Za-z0-9_.-]{0,32}$"},
                             "existingSecret": string,
                             "existingSecretPasswordKey": {"type": "string", "minLength": 1},
                             "appUserHost": {"type": "string", "pattern": "^[A-Za-z0-9_.%:-]{1,255}$"}}),
        }, ["host", "port", "name", "user"]),
        "secretKey": closed({"value": {"type": "string", "pattern": "^(|.{32,256})$", "description": "32 to 256 characters"}, "existingSecret": string,
                             "existingSecretKey": {"type": "string", "minLength": 1}}),
        "auth": closed({
            "sessionTtl": {"type": "integer", "minimum": 300, "maximum": 2592000},
            "firstEditor": closed({
                "name": {"type": "string", "pattern": r"^(|[A-Za-z0-9][A-Za-z0-9._@+-]{0,127})$",
                         "description": "an editor name: letters, digits and . _ @ + -"},
                "existingSecret": string,
                "existingSecretKey": {"type": "string", "minLength": 1}},
                **{"if": {"properties": {"name": {"minLength": 1}}, "required": ["name"]},
                   "then": {"properties": {"existingSecret": {"minLength": 1}}, "required": ["existingSecret"]}}),
            "sso": closed({
            "enabled": {"type": "boolean"},
            "url": {"type": "string", "pattern": r"^(|https?://([A-Za-z0-9.-]+|\[[0-9a-fA-F:.]+\])(:[0-9]+)?)$",
                    "description": "http://host:port of the authenticating proxy"},
            "userHeader": {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9-]*$"},
            "networkPolicyTo": arr},
            ["enabled"], **{"if": {"properties": {"enabled": {"const": True}}},
                            "then": {"properties": {"url": {"minLength": 1}}}})}),
        "nginx": closed(nginx, ["image", "replicaCount", "workerProcesses"]),
        "frontend": pool_component({"backendURL": {"type": "string", "pattern": "^(|https?://.+|fcgi://.+:[0-9]+)$"}}),
        "backend": pool_component({"migration": closed({
            "enabled": {"type": "boolean"}, "backoffLimit": nonneg, "activeDeadlineSeconds": posint,
            "ttlSecondsAfterFinished": nonneg, "resources": obj})}),
        "serviceAccount": closed({"create": {"type": "boolean"}, "name": string, "annotations": obj,
                                  "automountServiceAccountToken": {"type": "boolean"}}),
        "ingress": closed({
            "enabled": {"type": "boolean"}, "ingressClassName": string,
            "hostname": {"type": "string", "minLength": 1}, "path": {"type": "string", "pattern": "^/"},
            "pathType": {"enum": ["Prefix", "Exact", "ImplementationSpecific"]},
            "annotations": obj, "tls": {"type": "boolean"}, "tlsSecretName": string,
            "extraHosts": {"type": "array", "items": {"type": "object", "required": ["name"]}},
            "extraTls": arr}),
        "networkPolicy": closed({
            "enabled": {"type": "boolean"}, "allowExternal": {"type": "boolean"},
            "nginxIngressFrom": arr, "databaseCIDRs": {"type": "array", "items": cidr}, "dnsPort": port}),
        "metrics": closed({
            "enabled": {"type": "boolean"}, "port": port,
            "podMonitor": closed({
                "enabled": {"type": "boolean"}, "namespace": string,
                "interval": {"type": "string", "pattern": "^[0-9]+(ms|s|m|h)$"},
                "scrapeTimeout": {"type": "string", "pattern": "^[0-9]+(ms|s|m|h)$"},
                "labels": obj, "honorLabels": {"type": "boolean"}}),
            "prometheusRule": closed({"enabled": {"type": "boolean"}, "namespace": string, "labels": obj}),
            "nginxExporter": closed({
                "enabled": {"type": "boolean"}, "image": ref("image"), "port": port,
                "stubStatusPort": port, "containerSecurityContext": obj, "resources": obj}),
            "networkPolicyFrom": arr}),
        "tests": closed({"image": ref("image")}),
    },
}
import os
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../helm/fcgi-users/values.schema.json")
json.dump(schema, open(out, "w"), indent=2)
open(out, "a").write("\n")
