package filter

import (
	"github.com/partnerhub/partnerhub-api/ent/gid"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// FromInput compiles the typed filter into the same criteria the query string gives.
func FromInput(in *model.CustomerFilter) (Criteria, error) {
	if in == nil {
		return nil, nil
	}
	var out Criteria
	if in.ManagedBy != nil && *in.ManagedBy == model.ManagedByMe {
		out = append(out, ManagedByMe())
	}
	if len(in.Products) > 0 {
		out = append(out, Products(in.Products...))
	}
	if len(in.Statuses) > 0 {
		out = append(out, Statuses(in.Statuses...))
	}
	if len(in.ExcludeStatuses) > 0 {
		out = append(out, Not(Statuses(in.ExcludeStatuses...)))
	}
	if len(in.SubscriptionKinds) > 0 {
		out = append(out, Kinds(in.SubscriptionKinds...))
	}
	if len(in.TagIds) > 0 {
		ids := make([]int, len(in.TagIds))
		for i, s := range in.TagIds {
			id, err := gid.DecodeAs("Tag", s)
			if err != nil {
				return nil, gqlerr.Errorf(gqlerr.BadUserInput, "filter.tagIds[%d] is not a tag ID", i)
			}
			ids[i] = id
		}
		out = append(out, TagIDs(in.TagMatch != nil && *in.TagMatch == model.TagMatchAll, ids...))
	}
	if len(in.Regions) > 0 {
		out = append(out, Regions(in.Regions...))
	}
	if in.CreatedAfter != nil {
		out = append(out, CreatedFrom(*in.CreatedAfter))
	}
	if in.CreatedBefore != nil {
		out = append(out, CreatedBefore(*in.CreatedBefore))
	}
	if in.Search != nil && *in.Search != "" {
		out = append(out, Text(*in.Search))
	}
	return out, nil
}

// Compile ANDs the typed filter and the query string into one set of criteria.
func Compile(in *model.CustomerFilter, query *string) (Criteria, error) {
	out, err := FromInput(in)
	if err != nil || query == nil {
		return out, err
	}
	parsed, err := Parse(*query)
	if err != nil {
		return nil, gqlerr.Errorf(gqlerr.BadUserInput, "%s", err.Error())
	}
	return append(out, parsed...), nil
}
