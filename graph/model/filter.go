package model

import (
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
)

// CustomerFilter is the typed customer filter. It is written by hand because ent's
// generated entql filter of the same name would otherwise be bound to it.
type CustomerFilter struct {
	ManagedBy         *ManagedBy              `json:"managedBy,omitempty"`
	Products          []enum.Product          `json:"products,omitempty"`
	Statuses          []enum.CustomerStatus   `json:"statuses,omitempty"`
	ExcludeStatuses   []enum.CustomerStatus   `json:"excludeStatuses,omitempty"`
	SubscriptionKinds []enum.SubscriptionKind `json:"subscriptionKinds,omitempty"`
	TagIds            []string                `json:"tagIds,omitempty"`
	TagMatch          *TagMatch               `json:"tagMatch,omitempty"`
	Regions           []enum.Region           `json:"regions,omitempty"`
	CreatedAfter      *time.Time              `json:"createdAfter,omitempty"`
	CreatedBefore     *time.Time              `json:"createdBefore,omitempty"`
	Search            *string                 `json:"search,omitempty"`
}

// AuditEventFilter filters the audit trail; written by hand for the same reason.
type AuditEventFilter struct {
	ActorID  *string    `json:"actorId,omitempty"`
	Action   *string    `json:"action,omitempty"`
	TargetID *string    `json:"targetId,omitempty"`
	From     *time.Time `json:"from,omitempty"`
	To       *time.Time `json:"to,omitempty"`
}
