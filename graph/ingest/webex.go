package ingest

import (
	"math"
	"strconv"
	"strings"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// webexKeys are the fields that make a record a Webex call record.
var webexKeys = []string{"Report ID", "Correlation ID"}

// isWebexHeader reports whether CSV column names are those of Webex call records.
func isWebexHeader(names []string) bool {
	found := 0
	for _, n := range names {
		for _, k := range webexKeys {
			if trimName(n) == k {
				found++
			}
		}
	}
	return found == len(webexKeys)
}

// webexLeg maps a Webex call record to a leg; get returns a field's value.
func webexLeg(get func(string) (string, bool)) (*model.CallLegInput, legRef, error) {
	field := func(k string) string {
		v, _ := get(k)
		return strings.TrimSpace(v)
	}
	var missing []string
	for _, k := range []string{"Report ID", "Correlation ID", "Org UUID", "User UUID", "Start time", "Duration", "Direction"} {
		if field(k) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, legRef{}, invalid("missing %s", strings.Join(missing, ", "))
	}
	started, err := parseTime("Start time", field("Start time"))
	if err != nil {
		return nil, legRef{}, err
	}
	seconds, err := strconv.ParseFloat(field("Duration"), 64)
	if err != nil || math.IsNaN(seconds) || math.IsInf(seconds, 0) || seconds > math.MaxInt32 {
		return nil, legRef{}, invalid("Duration takes a number of seconds, got %q", truncate(field("Duration")))
	}
	var direction enum.CallDirection
	switch d := field("Direction"); {
	case field("Call type") == "SIP_ENTERPRISE":
		direction = "INTERNAL"
	case d == "ORIGINATING":
		direction = "OUTBOUND"
	case d == "TERMINATING":
		direction = "INBOUND"
	default:
		return nil, legRef{}, invalid("Direction takes ORIGINATING or TERMINATING, got %q", truncate(d))
	}
	feature := webexFeature(field("User type"), field("Original reason"), field("Redirect reason"), field("Related reason"))
	return &model.CallLegInput{
		LegID: field("Report ID"), CallID: field("Correlation ID"), CustomerExternalID: field("Org UUID"), UserID: field("User UUID"),
		StartedAt: started, DurationSeconds: int(math.Round(seconds)), Direction: direction, Media: "AUDIO",
		EndpointType: webexEndpoint(field("Client type"), field("Model")), Feature: &feature,
	}, legRef{byOrgID: true, locationName: field("Location")}, nil
}

// webexEndpoint maps a record's Client type (and Model) to an endpoint type.
func webexEndpoint(client, deviceModel string) enum.EndpointType {
	switch client {
	case "WXC_CLIENT", "TEAMS_WXC_CLIENT":
		return "WEBEX_APP"
	case "WXC_DEVICE":
		if strings.Contains(deviceModel, "Room") || strings.Contains(deviceModel, "Board") {
			return "ROOM_DEVICE"
		}
		return "DESK_PHONE"
	}
	return "OTHER"
}

// webexFeature maps a record's User type and redirection reasons to a feature.
func webexFeature(userType string, reasons ...string) enum.CallFeature {
	has := func(r string) bool {
		for _, x := range reasons {
			if x == r {
				return true
			}
		}
		return false
	}
	switch {
	case userType == "CallCenterStandard" || userType == "CallCenterPremium" || has("CallQueue"):
		return "CALL_QUEUE"
	case userType == "HuntGroup" || has("HuntGroup"):
		return "HUNT_GROUP"
	case strings.HasPrefix(userType, "AutomatedAttendant") || userType == "AutoAttendant":
		return "AUTO_ATTENDANT"
	}
	return "NONE"
}

// jsonCell turns a value of a Webex record in JSON into the text its CSV export has.
func jsonCell(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}
