package seed

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/partnerhub/partnerhub-api/ent/callqueue"
	"github.com/partnerhub/partnerhub-api/ent/device"
	"github.com/partnerhub/partnerhub-api/ent/location"
	"github.com/partnerhub/partnerhub-api/ent/phonenumber"
)

// callingCustomer is a customer with a Calling line and its calling inventory.
type callingCustomer struct {
	c       *cust
	line    *line
	sites   []site
	queues  []int
	users   int    // size of the pool of calling users
	salt    uint64 // names the pool's users
	devices int
	weight  float64 // share of the chunk's call legs
}

// site is a location of a customer, with the block its users' numbers come from.
type site struct {
	id      int
	name    string
	country *country
	block   string
}

// user returns the UUID and email of calling user u of the customer.
func (cc *callingCustomer) user(u int) (uuid, email string) {
	h := int(cc.salt % 997)
	first := firstNames[(u+h)%len(firstNames)]
	last := lastNames[(u/len(firstNames)+h)%len(lastNames)]
	return hashUUID(cc.salt, u), strings.ToLower(first + "." + last + "@" + cc.c.domain)
}

// number returns user u's direct number and extension.
func (cc *callingCustomer) number(u int) (number, ext string) {
	return cc.sites[u%len(cc.sites)].block + strconv.Itoa(1000+u), strconv.Itoa(2000 + u)
}

// writeCalling gives each customer with a Calling line its locations, call queues,
// devices and phone numbers, then the chunk's share of call legs.
func (g *generator) writeCalling(b *bulkTx, cs []*cust) error {
	r := g.phones
	var ccs []*callingCustomer
	for _, c := range cs {
		l := c.callingLine()
		if l == nil {
			continue
		}
		cc := &callingCustomer{c: c, line: l, users: min(max(l.assigned, 2), 300), salt: mix64(g.salt ^ uint64(c.index))}
		cities := c.country.cities
		for i := range 1 + weighted(r, 60, 28, 12) {
			name := c.city + " HQ"
			if i > 0 {
				name = pick(r, cities) + " " + pick(r, locationKinds)
			}
			var block string
			if c.country.dial == "1" {
				block = "+1" + digits(r, 3) + digits(r, 3)
			} else {
				block = "+" + c.country.dial + digits(r, 5)
			}
			cc.sites = append(cc.sites, site{id: g.seq.location.take(), name: name, country: c.country, block: block})
		}
		for _, q := range r.Perm(len(queueNames))[:weighted(r, 30, 35, 25, 10)] {
			cc.queues = append(cc.queues, q) // queue name index; replaced by its ID when written
		}
		cc.devices = 1 + round(float64(min(l.assigned, 300))/15*uniform(r, 0.5, 1.5))
		cc.weight = math.Pow(float64(l.assigned)+1, 0.9) * uniform(r, 0.3, 1.7)
		ccs = append(ccs, cc)
	}
	end := cs[len(cs)-1].index + 1
	g.legQuota = int(int64(g.opts.CallLegs)*int64(end)/int64(g.opts.Customers)) - g.legsWritten
	steps := []func(*bulkTx, []*callingCustomer) error{g.writeLocations, g.writeQueues, g.writeDevices, g.writeNumbers, g.writeCallLegs}
	for _, step := range steps {
		if err := step(b, ccs); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) writeLocations(b *bulkTx, ccs []*callingCustomer) error {
	cols := []string{location.FieldID, location.FieldPartnerID, location.FieldCustomerID, location.FieldExternalID, location.FieldName, location.FieldCountry}
	return b.write(location.Table, cols, func(w tableWriter) error {
		for _, cc := range ccs {
			for _, s := range cc.sites {
				if err := w.Row(s.id, g.partnerID, cc.c.id, g.uuid(uuidLocation, s.id), s.name, s.country.code); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func (g *generator) writeQueues(b *bulkTx, ccs []*callingCustomer) error {
	cols := []string{callqueue.FieldID, callqueue.FieldPartnerID, callqueue.FieldCustomerID, callqueue.FieldExternalID, callqueue.FieldName, callqueue.FieldLocationID}
	return b.write(callqueue.Table, cols, func(w tableWriter) error {
		for _, cc := range ccs {
			for i, q := range cc.queues {
				id := g.seq.queue.take()
				loc := cc.sites[i%len(cc.sites)].id
				if err := w.Row(id, g.partnerID, cc.c.id, g.uuid(uuidQueue, id), queueNames[q]+" Queue", loc); err != nil {
					return err
				}
				cc.queues[i] = id
			}
		}
		return nil
	})
}

// macPrefixes are vendor prefixes of calling devices' MAC addresses.
var macPrefixes = []string{"00:1B:D4", "6C:71:0D", "A4:56:30", "F8:7B:20", "00:EB:D5"}

func (g *generator) writeDevices(b *bulkTx, ccs []*callingCustomer) error {
	r := g.phones
	cols := []string{device.FieldID, device.FieldPartnerID, device.FieldCustomerID, device.FieldExternalID,
		device.FieldLocationID, device.FieldProduct, device.FieldMAC, device.FieldFirmware, device.FieldPhoneNumber,
		device.FieldExtension, device.FieldUserID, device.FieldUserUUID}
	return b.write(device.Table, cols, func(w tableWriter) error {
		for _, cc := range ccs {
			for i := range cc.devices {
				id := g.seq.device.take()
				m := pick(r, deviceModels)
				mac := fmt.Sprintf("%s:%02X:%02X:%02X", pick(r, macPrefixes), r.IntN(256), r.IntN(256), r.IntN(256))
				loc := cc.sites[i%len(cc.sites)].id
				var number, ext, userID, userUUID any
				if !m.room {
					u := i % cc.users
					n, x := cc.number(u)
					uuid, email := cc.user(u)
					number, ext, userID, userUUID = n, x, email, uuid
					loc = cc.sites[u%len(cc.sites)].id
				}
				err := w.Row(id, g.partnerID, cc.c.id, g.uuid(uuidDevice, id), loc, m.product, mac, m.firmware,
					number, ext, userID, userUUID)
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// writeNumbers writes each site's main number (and for some a workspace's), a primary
// number for the users with a device (and a second one for a few), and some spare numbers
// not yet assigned.
func (g *generator) writeNumbers(b *bulkTx, ccs []*callingCustomer) error {
	r := g.phones
	cols := []string{phonenumber.FieldID, phonenumber.FieldPartnerID, phonenumber.FieldCustomerID,
		phonenumber.FieldExternalID, phonenumber.FieldLocationID, phonenumber.FieldCountry, phonenumber.FieldNumber,
		phonenumber.FieldExtension, phonenumber.FieldPstnConnection, phonenumber.FieldActive,
		phonenumber.FieldUserType, phonenumber.FieldNumberType, phonenumber.FieldUserID, phonenumber.FieldUserUUID}
	return b.write(phonenumber.Table, cols, func(w tableWriter) error {
		for _, cc := range ccs {
			pstn := pick(r, pstnConnections)
			row := func(s site, number string, ext any, active bool, userType, numberType string, userID, userUUID any) error {
				id := g.seq.number.take()
				return w.Row(id, g.partnerID, cc.c.id, g.uuid(uuidNumber, id), s.id, s.country.code, number, ext,
					pstn, active, userType, numberType, userID, userUUID)
			}
			for _, s := range cc.sites {
				if err := row(s, s.block+"0000", nil, true, "VIRTUAL_LINE", "PRIMARY", nil, nil); err != nil {
					return err
				}
				if chance(r, 0.3) {
					if err := row(s, s.block+"0100", "100", true, "WORKSPACE", "PRIMARY", nil, nil); err != nil {
						return err
					}
				}
			}
			for u := range min(cc.users, cc.devices) {
				s := cc.sites[u%len(cc.sites)]
				n, ext := cc.number(u)
				uuid, email := cc.user(u)
				if err := row(s, n, ext, true, "USER", "PRIMARY", email, uuid); err != nil {
					return err
				}
				if chance(r, 0.05) {
					if err := row(s, s.block+strconv.Itoa(9000-u), nil, true, "USER", "SECONDARY", email, uuid); err != nil {
						return err
					}
				}
			}
			for i := range r.IntN(4) {
				s := cc.sites[i%len(cc.sites)]
				if err := row(s, s.block+strconv.Itoa(8000+i), nil, false, "UNASSIGNED", "PRIMARY", nil, nil); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
